// The audit log in the API: `auditLog`, newest first. An organization's long-lived keys that may
// change its configuration (endpoints:write) read its entries; admin keys read every
// organization's and the deployment-wide ones (event types, admin keys). Portal sessions never do,
// whatever their scopes: a browser token reading who changed what would show the integrator's
// key ids to its customer.
import { GraphQLError } from 'graphql';
import { Prisma } from '../generated/prisma/client.ts';
import type { AuditActorKind } from '../generated/prisma/enums.ts';
import { builder } from '../graphql/builder.ts';
import type { Context } from '../graphql/context.ts';
import { checkPage } from '../graphql/pagination.ts';
import { encodeGlobalId, idOfType } from '../global-id.ts';
import { actorGlobalId, auditIdFloor, AUDIT_ACTIONS } from './audit-log.ts';

const AuditActorKindEnum = builder.enumType('AuditActorKind', {
  description: 'What kind of caller made a configuration change.',
  values: {
    ADMIN: { description: 'An admin key.' },
    ORGANIZATION_KEY: { description: "An organization's long-lived key." },
    PORTAL_SESSION: { description: 'A portal session (the webhooks portal, on behalf of the organization).' },
    SYSTEM: { description: 'Herald itself or its command line (`herald …` on the server), with no key.' },
  } as const satisfies Record<AuditActorKind, { description: string }>,
});

const AuditActorRef = builder.objectRef<{ kind: AuditActorKind; keyId: string | null }>('AuditActor').implement({
  description: 'Who made a change.',
  fields: (t) => ({
    kind: t.field({ type: AuditActorKindEnum, description: 'Admin key, organization key, portal session or SYSTEM.', resolve: (actor) => actor.kind }),
    id: t.id({ nullable: true, description: "The key's id (key_…: for a portal session, the session's own key); null for SYSTEM.", resolve: (actor) => actorGlobalId(actor.keyId) }),
  }),
});

builder.prismaObject('AuditEntry', {
  description: 'One configuration change, recorded in the transaction that made it (docs/audit-log.md). Secret values never appear in it.',
  fields: (t) => ({
    id: t.exposeID('id', { description: "The entry's id (a UUIDv7: ids sort by time)." }),
    action: t.exposeString('action', { description: `What happened: ${AUDIT_ACTIONS.join(', ')}.` }),
    actor: t.field({ type: AuditActorRef, description: 'Who did it.', resolve: (entry) => ({ kind: entry.actorKind, keyId: entry.actorKeyId }) }),
    targetId: t.exposeString('targetId', { description: "What changed: an endpoint's (ep_…), key's (key_…) or organization's (org_…, portal sessions revoked at once) id, or an event type's name." }),
    organizationId: t.id({
      nullable: true,
      description: 'The organization the change belongs to (org_…); null for deployment-wide changes (event types, admin keys).',
      resolve: (entry) => (entry.organizationId === null ? null : encodeGlobalId('Organization', entry.organizationId)),
    }),
    at: t.expose('at', { type: 'DateTime', description: 'When it was committed.' }),
    changes: t.expose('changes', {
      type: 'JSON',
      description: 'The fields changed, each as { before, after } (null before a creation, after a deletion); secrets, header values and keys appear as "[redacted]" or not at all.',
    }),
  }),
});

const AuditLogFilter = builder.inputType('AuditLogFilter', {
  description: 'Which entries to list; every field given must match.',
  fields: (t) => ({
    action: t.string({ description: `One action: ${AUDIT_ACTIONS.join(', ')}.` }),
    targetId: t.string({ description: 'Changes of this endpoint, key or organization (its id), or event type (its name).' }),
    actorId: t.id({ description: 'Changes made by this key (key_…).' }),
    since: t.field({ type: 'DateTime', description: 'Entries at or after this time.' }),
    until: t.field({ type: 'DateTime', description: 'Entries before this time.' }),
    organizationId: t.id({ description: "Admin keys: one organization's entries (org_…). An organization key sees its own organization's only." }),
  }),
});

type AuditLogFilterInput = {
  action?: string | null | undefined;
  targetId?: string | null | undefined;
  actorId?: string | number | null | undefined;
  since?: Date | null | undefined;
  until?: Date | null | undefined;
  organizationId?: string | number | null | undefined;
};

function badFilter(field: string, message: string): GraphQLError {
  return new GraphQLError(`filter.${field} ${message}`, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** The rows the caller may see that match the filter; null when nothing can match. */
function auditWhere(ctx: Context, filter: AuditLogFilterInput | null | undefined): Prisma.AuditEntryWhereInput | null {
  const principal = ctx.principal;
  if (!principal) throw new Error('auditLog resolved without a principal');
  const where: Prisma.AuditEntryWhereInput[] = [];
  if (principal.kind === 'organization') where.push({ organizationId: principal.organizationId });
  if (filter?.organizationId != null) {
    const organizationId = idOfType(String(filter.organizationId), 'Organization');
    if (!organizationId) throw badFilter('organizationId', 'is not an organization id (org_…).');
    if (principal.kind === 'organization' && organizationId !== principal.organizationId) return null;
    where.push({ organizationId });
  }
  if (filter?.action != null) {
    if (!(AUDIT_ACTIONS as readonly string[]).includes(filter.action)) throw badFilter('action', `must be one of ${AUDIT_ACTIONS.join(', ')}.`);
    where.push({ action: filter.action });
  }
  if (filter?.targetId != null) where.push({ targetId: filter.targetId });
  if (filter?.actorId != null) {
    const keyId = idOfType(String(filter.actorId), 'ApiKey');
    if (!keyId) throw badFilter('actorId', 'is not a key id (key_…).');
    where.push({ actorKeyId: keyId });
  }
  // Time bounds as id bounds (UUIDv7, one clock with `at`): the (organization_id, id) index serves them.
  if (filter?.since != null) where.push({ id: { gte: auditIdFloor(filter.since) } });
  if (filter?.until != null) where.push({ id: { lt: auditIdFloor(filter.until) } });
  return { AND: where };
}

builder.queryField('auditLog', (t) =>
  t.prismaConnection(
    {
      type: 'AuditEntry',
      cursor: 'id',
      description: "Configuration changes, newest first: the organization's for its long-lived keys with endpoints:write, every organization's for admin keys. Portal sessions may not read it.",
      authScopes: { admin: true, $all: { organizationKey: true, scope: 'endpoints:write' } },
      args: { filter: t.arg({ type: AuditLogFilter, description: 'Only entries matching every field given.' }) },
      resolve: async (query, _root, args, ctx) => {
        const where = auditWhere(ctx, args.filter);
        await checkPage(args, async (id) => where !== null && (await ctx.db.auditEntry.count({ where: { AND: [where, { id }] } })) > 0);
        if (where === null) return [];
        return ctx.db.auditEntry.findMany({ ...query, where, orderBy: { id: 'desc' } });
      },
    },
    { name: 'AuditEntryConnection', description: 'A page of audit entries.' },
    { name: 'AuditEntryEdge', description: 'An audit entry and its cursor.' },
  ),
);
