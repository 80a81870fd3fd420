// The version stored beside every figure the engine derives (SPEC §2 lineage).
//
// Bump rule (semantic versioning of the figures, not of the code):
// - MAJOR: any change that can move a returned value by more than the 1e-12 tolerance, or that
//   changes which inputs give an undefined return: a formula, a weight, the large-flow split
//   rule, the gross-of-fees treatment, the annualization rule. Stored figures of an older major
//   version are candidates for `perfrecon recalc`.
// - MINOR: new information that leaves every existing value as it was: a new warning, a new
//   undefined-reason code for a case that was already undefined, a new field.
// - PATCH: wording of messages, performance, refactoring.
export const CALCULATION_VERSION = 'twr-1.0.0';
