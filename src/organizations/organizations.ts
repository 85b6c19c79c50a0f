import type { Db } from '../db/prisma.ts';
import { ValidationError } from '../errors.ts';
import type { Organization } from '../generated/prisma/client.ts';
import { isUniqueViolation } from '../db/errors.ts';

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export interface CreateOrganizationInput {
  slug: string;
  name?: string | null | undefined;
}

export async function createOrganization(db: Db, input: CreateOrganizationInput): Promise<Organization> {
  const slug = input.slug.trim();
  const name = (input.name ?? slug).trim();
  const issues = [];
  if (!SLUG.test(slug)) {
    issues.push({ path: ['slug'], message: 'must be 1–63 lowercase letters, digits or inner hyphens' });
  }
  if (name.length < 1 || name.length > 255) issues.push({ path: ['name'], message: 'must be 1–255 characters' });
  if (issues.length > 0) throw new ValidationError(issues);
  try {
    return await db.organization.create({ data: { slug, name } });
  } catch (error) {
    if (isUniqueViolation(error)) throw ValidationError.of(['slug'], `an organization with slug "${slug}" exists`);
    throw error;
  }
}

export async function findOrganizationBySlug(db: Db, slug: string): Promise<Organization | null> {
  return db.organization.findUnique({ where: { slug } });
}
