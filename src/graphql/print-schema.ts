// Writes schema.graphql from the code: `npm run schema:print`. A test fails when the file is stale.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { printHeraldSchema } from './schema.ts';

const target = resolve(import.meta.dirname, '../../schema.graphql');
writeFileSync(target, printHeraldSchema());
console.log(`wrote ${target}`);
