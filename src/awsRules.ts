/**
 * AWS's rules for the names, descriptions and tags of SageMaker experiments, checked in the
 * browser so the "New experiment" dialog can say what is wrong while the user types.
 * The server checks them again; these only spare a round trip.
 */
import { TranslationBundle } from '@jupyterlab/translation';

/** Experiment, trial and trial component names: AWS's documented pattern and length. */
export const EXPERIMENT_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}$/;
export const EXPERIMENT_NAME_MAX = 120;
export const DESCRIPTION_MAX = 3072;
export const TAGS_MAX = 50;
export const TAG_KEY_MAX = 128;
export const TAG_VALUE_MAX = 256;
/** Letters, spaces and digits of any script, and `_ . : / = + - @`. */
export const TAG_PATTERN = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u;

/** The rule of experiment names, as shown under the name field. */
export function experimentNameRule(trans: TranslationBundle): string {
  return trans.__(
    '1–%1 characters: letters a–z, A–Z, digits and hyphens; it must start and end with a letter or digit.',
    EXPERIMENT_NAME_MAX
  );
}

/** Why `name` is not a valid experiment name, or null when it is. */
export function validateExperimentName(
  name: string,
  trans: TranslationBundle
): string | null {
  if (name.length === 0) {
    return trans.__('A name is required.');
  }
  if (name.length > EXPERIMENT_NAME_MAX) {
    return trans.__(
      'The name is %1 characters long; at most %2 are allowed.',
      name.length,
      EXPERIMENT_NAME_MAX
    );
  }
  if (!EXPERIMENT_NAME_PATTERN.test(name)) {
    const bad = Array.from(name).find(ch => !/[a-zA-Z0-9-]/.test(ch));
    if (bad !== undefined) {
      return trans.__('"%1" is not allowed in a name.', bad);
    }
    return trans.__('The name must start and end with a letter or digit.');
  }
  return null;
}

export function validateDescription(
  description: string,
  trans: TranslationBundle
): string | null {
  if (description.length > DESCRIPTION_MAX) {
    return trans.__(
      'The description is %1 characters long; at most %2 are allowed.',
      description.length,
      DESCRIPTION_MAX
    );
  }
  return null;
}

/** One editable row of the extra tags. */
export interface ITagRow {
  key: string;
  value: string;
}

/** What is wrong with one tag row: null fields are fine. */
export interface ITagProblems {
  key: string | null;
  value: string | null;
}

/**
 * Check the extra tags of a new experiment.
 *
 * `lockedKeys` are the keys the server adds itself (team, studiouserid): the user may not set them.
 */
export function validateTags(
  rows: ITagRow[],
  lockedKeys: string[],
  trans: TranslationBundle
): { rows: ITagProblems[]; overall: string | null } {
  const seen = new Map<string, number>();
  const problems = rows.map((row, index): ITagProblems => {
    const key = tagKeyProblem(row.key, lockedKeys, trans);
    const value = tagValueProblem(row.value, trans);
    if (key === null && seen.has(row.key)) {
      return {
        key: trans.__('The key "%1" is already used above.', row.key),
        value
      };
    }
    seen.set(row.key, index);
    return { key, value };
  });
  const total = rows.length + lockedKeys.length;
  const overall =
    total > TAGS_MAX
      ? trans.__(
          'At most %1 tags are allowed, including the %2 added for you.',
          TAGS_MAX,
          lockedKeys.length
        )
      : null;
  return { rows: problems, overall };
}

function tagKeyProblem(
  key: string,
  lockedKeys: string[],
  trans: TranslationBundle
): string | null {
  if (key.length === 0) {
    return trans.__('A tag key is required.');
  }
  if (key.length > TAG_KEY_MAX) {
    return trans.__('A tag key has at most %1 characters.', TAG_KEY_MAX);
  }
  if (key.toLowerCase().startsWith('aws:')) {
    return trans.__('Keys starting with "aws:" are reserved by AWS.');
  }
  if (lockedKeys.includes(key)) {
    return trans.__('"%1" is added for you and cannot be set here.', key);
  }
  if (!TAG_PATTERN.test(key)) {
    return trans.__(
      'Use only letters, digits, spaces and _ . : / = + - @ in tag keys.'
    );
  }
  return null;
}

function tagValueProblem(
  value: string,
  trans: TranslationBundle
): string | null {
  if (value.length > TAG_VALUE_MAX) {
    return trans.__('A tag value has at most %1 characters.', TAG_VALUE_MAX);
  }
  if (!TAG_PATTERN.test(value)) {
    return trans.__(
      'Use only letters, digits, spaces and _ . : / = + - @ in tag values.'
    );
  }
  return null;
}

/** The tag rows as the `tags` object of the request (empty rows dropped). */
export function tagsOf(rows: ITagRow[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const row of rows) {
    if (row.key.length > 0) {
      tags[row.key] = row.value;
    }
  }
  return tags;
}
