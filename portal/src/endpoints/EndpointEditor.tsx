// Add or edit an endpoint. Server validation messages appear next to the field they name; a new
// endpoint's secret is shown once before anything else.
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import type { Endpoint, SignatureScheme } from '@herald/sdk';
import { href, navigate } from '../layout/route.ts';
import { describeMutationError } from '../session/errors.ts';
import { loadCatalog, type CatalogEntry } from '../session/portal-api.ts';
import { useSession } from '../session/session.tsx';
import { useLoad } from '../session/use-load.ts';
import { choiceFromList, EventTypePicker, listFromChoice, splitList, type EventTypeChoice } from './EventTypePicker.tsx';
import { fieldErrors, type FieldErrors, type FormField } from './field-errors.ts';
import { FilterField, parseFilterText } from './FilterField.tsx';
import { HeaderRows, type HeaderRow } from './HeaderRows.tsx';
import { SCHEMES } from './schemes.ts';
import { SecretReveal } from './SecretReveal.tsx';

export function EndpointEditor({ id }: { id?: string }) {
  const { herald } = useSession();
  const loaded = useLoad(
    async (signal) => {
      const [catalog, endpoint] = await Promise.all([loadCatalog(herald, signal), id ? herald.endpoint(id, { signal }) : Promise.resolve(null)]);
      return { catalog, endpoint };
    },
    [id],
  );
  if (loaded.error) return <p role="alert">{loaded.error}</p>;
  if (!loaded.data) return <p className="muted">Loading…</p>;
  if (id && !loaded.data.endpoint) return <p role="alert">This endpoint no longer exists.</p>;
  return <EndpointForm catalog={loaded.data.catalog} endpoint={loaded.data.endpoint} />;
}

interface FormState {
  url: string;
  name: string;
  description: string;
  eventTypes: EventTypeChoice;
  projects: string;
  headers: HeaderRow[];
  /** The payload filter as JSON text; empty for none. */
  filter: string;
  signatureScheme: SignatureScheme;
  verify: boolean;
}

function initialState(endpoint: Endpoint | null, catalog: readonly CatalogEntry[]): FormState {
  return {
    url: endpoint?.url ?? '',
    name: endpoint?.name ?? '',
    description: endpoint?.description ?? '',
    eventTypes: endpoint ? choiceFromList(endpoint.eventTypes, catalog) : { all: true, names: [], patterns: '' },
    projects: endpoint?.projects.join(', ') ?? '',
    headers: endpoint?.headers.map((header) => ({ name: header.name, value: header.value })) ?? [],
    filter: endpoint?.filter == null ? '' : JSON.stringify(endpoint.filter, null, 2),
    signatureScheme: endpoint?.signatureScheme ?? 'STANDARD_WEBHOOKS',
    verify: false,
  };
}

// Behind "Advanced": what most endpoints never need. It opens by itself when the endpoint being
// edited uses one of these, and when one of them has an error, so nothing set or wrong is hidden.
const ADVANCED_FIELDS: readonly FormField[] = ['description', 'projects', 'headers', 'filter', 'signatureScheme', 'verify'];

function usesAdvanced(endpoint: Endpoint | null): boolean {
  if (!endpoint) return false;
  return endpoint.description !== '' || endpoint.projects.length > 0 || endpoint.headers.length > 0 || endpoint.filter != null || endpoint.signatureScheme !== 'STANDARD_WEBHOOKS';
}

/** A sample payload to test the filter on: the example of the first chosen event type that has one. */
function sampleFor(choice: EventTypeChoice, catalog: readonly CatalogEntry[]): unknown {
  // `*` is every event of the product: Herald's own operational events (herald.*) are not among them.
  const chosen = choice.all ? catalog.filter((entry) => !entry.name.startsWith('herald.')) : catalog.filter((entry) => choice.names.includes(entry.name));
  return chosen.find((entry) => entry.example != null && !entry.name.startsWith('webhook.'))?.example ?? {};
}

function EndpointForm({ catalog, endpoint }: { catalog: CatalogEntry[]; endpoint: Endpoint | null }) {
  const { herald, report, can } = useSession();
  const [form, setForm] = useState(() => initialState(endpoint, catalog));
  const [errors, setErrors] = useState<FieldErrors>({ byField: {}, general: [] });
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ id: string; secret: string } | null>(null);
  const [advancedOpen, setAdvancedOpen] = useState(() => usesAdvanced(endpoint));
  const advancedError = ADVANCED_FIELDS.some((name) => errors.byField[name]);
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm((f) => ({ ...f, [key]: value }));

  useEffect(() => {
    if (advancedError) setAdvancedOpen(true);
  }, [advancedError]);

  useEffect(() => {
    if (errors.general.length > 0) document.getElementById('form-errors')?.focus();
    else document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors]);

  if (!can('endpoints:write')) return <p>This portal link can view endpoints but not change them.</p>;
  if (created) {
    return <SecretReveal title="Endpoint added: copy its signing secret" secret={created.secret} onDone={() => navigate(href.endpoint(created.id))} />;
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const filter = parseFilterText(form.filter);
    if (!filter.ok) return setErrors({ byField: { filter: `The filter ${filter.message}` }, general: [] });
    setBusy(true);
    const common = {
      url: form.url.trim(),
      name: form.name.trim() || null,
      description: form.description,
      eventTypes: listFromChoice(form.eventTypes),
      projects: splitList(form.projects),
      headers: form.headers.filter((h) => h.name.trim() !== '' || h.value !== '').map((h) => ({ name: h.name.trim(), value: h.value })),
    };
    try {
      if (endpoint) {
        // An empty filter box removes the filter (null); on create it is simply left out.
        const result = await herald.updateEndpoint({ id: endpoint.id, ...common, name: common.name ?? endpoint.name, filter: filter.filter });
        if (result.__typename === 'UpdateEndpointPayload') navigate(href.endpoint(endpoint.id));
        else setErrors(fieldErrors(result.__typename === 'ValidationError' ? result.fields : [], describeMutationError(result)));
      } else {
        const result = await herald.createEndpoint({ ...common, ...(filter.filter === null ? {} : { filter: filter.filter }), signatureScheme: form.signatureScheme, verify: form.verify });
        if (result.__typename === 'CreateEndpointPayload') {
          // Ed25519: nothing secret for the customer to keep; its public key is on the endpoint's page.
          if (result.endpoint.signatureScheme === 'STANDARD_WEBHOOKS_ED25519') navigate(href.endpoint(result.endpoint.id));
          else setCreated({ id: result.endpoint.id, secret: result.secret });
        }
        else setErrors(fieldErrors(result.__typename === 'ValidationError' ? result.fields : [], describeMutationError(result)));
      }
    } catch (error) {
      setErrors({ byField: {}, general: [report(error)] });
    } finally {
      setBusy(false);
    }
  };

  const field = (name: FormField, label: string, control: ReactNode, help?: string) => (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      {control}
      {help && (
        <p id={`${name}-help`} className="muted">
          {help}
        </p>
      )}
      {errors.byField[name] && (
        <p id={`${name}-error`} className="field-error">
          {errors.byField[name]}
        </p>
      )}
    </div>
  );
  const describedBy = (name: FormField, help: boolean) =>
    [help ? `${name}-help` : '', errors.byField[name] ? `${name}-error` : ''].filter(Boolean).join(' ') || undefined;

  return (
    <section>
      <h1>{endpoint ? `Edit ${endpoint.name}` : 'Add endpoint'}</h1>
      <form onSubmit={submit} noValidate>
        {errors.general.length > 0 && (
          <div id="form-errors" role="alert" tabIndex={-1} className="alert">
            {errors.general.map((message, index) => (
              <p key={index}>{message}</p>
            ))}
          </div>
        )}
        {field(
          'url',
          'Endpoint URL',
          <input
            id="url"
            type="url"
            className="mono"
            required
            placeholder="https://example.com/webhooks"
            value={form.url}
            aria-invalid={errors.byField.url ? true : undefined}
            aria-describedby={describedBy('url', true)}
            onChange={(e) => set('url', e.currentTarget.value)}
          />,
          'We send a POST request to this URL for every event.',
        )}
        {field(
          'name',
          'Name',
          <input id="name" value={form.name} aria-invalid={errors.byField.name ? true : undefined} aria-describedby={describedBy('name', true)} onChange={(e) => set('name', e.currentTarget.value)} />,
          'Optional; defaults to the URL’s host.',
        )}
        <EventTypePicker catalog={catalog} value={form.eventTypes} onChange={(next) => set('eventTypes', next)} error={errors.byField.eventTypes} />
        {/* Open while a field inside has an error, so the field focused for it is visible. */}
        <details className="advanced" open={advancedOpen || advancedError} onToggle={(e) => setAdvancedOpen(e.currentTarget.open)}>
          <summary>
            Advanced <span className="muted summary-hint">description, projects, custom headers, payload filter, signature scheme</span>
          </summary>
          {field(
            'description',
            'Description',
            <textarea
              id="description"
              rows={2}
              value={form.description}
              aria-invalid={errors.byField.description ? true : undefined}
              aria-describedby={describedBy('description', false)}
              onChange={(e) => set('description', e.currentTarget.value)}
            />,
          )}
          {field(
            'projects',
            'Projects',
            <input
              id="projects"
              value={form.projects}
              aria-invalid={errors.byField.projects ? true : undefined}
              aria-describedby={describedBy('projects', true)}
              onChange={(e) => set('projects', e.currentTarget.value)}
            />,
            'Comma-separated; empty receives events of every project.',
          )}
          <HeaderRows rows={form.headers} onChange={(rows) => set('headers', rows)} error={errors.byField.headers} />
          <FilterField value={form.filter} onChange={(text) => set('filter', text)} error={errors.byField.filter} example={sampleFor(form.eventTypes, catalog)} />
          {endpoint ? (
            <p>
              Signature scheme: <strong>{SCHEMES.find((s) => s.value === endpoint.signatureScheme)?.label ?? endpoint.signatureScheme}</strong> (fixed when the
              endpoint was added).
            </p>
          ) : (
            <>
              <fieldset aria-describedby={errors.byField.signatureScheme ? 'signatureScheme-error' : undefined}>
                <legend>Signature scheme</legend>
                {SCHEMES.map((scheme) => (
                  <div className="check" key={scheme.value}>
                    <input
                      id={`scheme-${scheme.value}`}
                      type="radio"
                      name="signatureScheme"
                      value={scheme.value}
                      checked={form.signatureScheme === scheme.value}
                      aria-describedby={`scheme-${scheme.value}-line`}
                      onChange={() => set('signatureScheme', scheme.value)}
                    />
                    <label htmlFor={`scheme-${scheme.value}`}>{scheme.label}</label>
                    <span id={`scheme-${scheme.value}-line`} className="muted description">
                      {scheme.line}
                    </span>
                  </div>
                ))}
                {errors.byField.signatureScheme && (
                  <p id="signatureScheme-error" className="field-error">
                    {errors.byField.signatureScheme}
                  </p>
                )}
              </fieldset>
              <div className="check">
                <input id="verify" type="checkbox" checked={form.verify} aria-describedby="verify-help" onChange={(e) => set('verify', e.currentTarget.checked)} />
                <label htmlFor="verify">Verify that I own this URL</label>
                <span id="verify-help" className="muted description">
                  Before saving, we call the URL with an echo_string query parameter; it must answer with that string.
                </span>
                {errors.byField.verify && <p className="field-error">{errors.byField.verify}</p>}
              </div>
            </>
          )}
        </details>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {endpoint ? 'Save changes' : 'Add endpoint'}
          </button>
          <a className="button" href={endpoint ? href.endpoint(endpoint.id) : href.endpoints()}>
            Cancel
          </a>
        </div>
      </form>
    </section>
  );
}
