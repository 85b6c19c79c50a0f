// HTTP header grammar (RFC 9110), as Node's HTTP client enforces it when it sends: a name is a
// token; a value is visible ASCII with spaces or tabs inside (none at either end, so what is
// stored is exactly what is sent). A header it refuses fails with ERR_INVALID_CHAR on every
// delivery, so endpoint rules and configuration check the same grammar up front.

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\x21-\x7E](?:[\x20\x09\x21-\x7E]*[\x21-\x7E])?$/;

export function isHeaderToken(text: string): boolean {
  return TOKEN.test(text);
}

export function isHeaderFieldValue(text: string): boolean {
  return FIELD_VALUE.test(text);
}
