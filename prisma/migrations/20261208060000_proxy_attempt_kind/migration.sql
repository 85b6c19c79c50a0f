-- An attempt that failed because the egress proxy did (HERALD_EGRESS_PROXY): unreachable, 407, its own 5xx.
ALTER TYPE "AttemptErrorKind" ADD VALUE 'PROXY';
