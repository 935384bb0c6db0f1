import { nullTranslator } from '@jupyterlab/translation';

import {
  tagsOf,
  validateDescription,
  validateExperimentName,
  validateTags
} from '../awsRules';

const trans = nullTranslator.load('studio_abac_ext');

describe('validateExperimentName', () => {
  it.each(['x', 'team-b-exp-1', 'A1', 'a--b', 'a'.repeat(120)])(
    'accepts %s',
    name => {
      // Given a name that follows AWS's rule, When checked, Then there is no problem
      expect(validateExperimentName(name, trans)).toBeNull();
    }
  );

  it('requires a name', () => {
    expect(validateExperimentName('', trans)).toBe('A name is required.');
  });

  it('names the character that is not allowed', () => {
    // Given a name with an underscore
    // When checked
    const problem = validateExperimentName('my_exp', trans);
    // Then the message names the underscore
    expect(problem).toBe('"_" is not allowed in a name.');
  });

  it('rejects a leading or trailing hyphen', () => {
    expect(validateExperimentName('-a', trans)).toMatch(/start and end/);
    expect(validateExperimentName('a-', trans)).toMatch(/start and end/);
  });

  it('rejects names over 120 characters with the count', () => {
    expect(validateExperimentName('a'.repeat(121), trans)).toBe(
      'The name is 121 characters long; at most 120 are allowed.'
    );
  });
});

describe('validateDescription', () => {
  it('accepts 3072 characters and rejects 3073', () => {
    expect(validateDescription('d'.repeat(3072), trans)).toBeNull();
    expect(validateDescription('d'.repeat(3073), trans)).toMatch(/3073/);
  });
});

describe('validateTags', () => {
  const locked = ['team', 'studiouserid'];

  it('accepts ordinary tags, including non-Latin letters', () => {
    const { rows, overall } = validateTags(
      [
        { key: 'project', value: 'churn' },
        { key: 'Größe', value: 'groß: 1/2 @ x+y=z' }
      ],
      locked,
      trans
    );
    expect(rows).toEqual([
      { key: null, value: null },
      { key: null, value: null }
    ]);
    expect(overall).toBeNull();
  });

  it('refuses the keys the server adds, reserved aws: keys and duplicates', () => {
    // Given rows that set team, an aws: key and the same key twice
    const { rows } = validateTags(
      [
        { key: 'team', value: 'TeamA' },
        { key: 'aws:owner', value: 'me' },
        { key: 'p', value: '1' },
        { key: 'p', value: '2' }
      ],
      locked,
      trans
    );
    // Then each row says what is wrong with its key
    expect(rows[0].key).toMatch(/added for you/);
    expect(rows[1].key).toMatch(/reserved/);
    expect(rows[2].key).toBeNull();
    expect(rows[3].key).toMatch(/already used/);
  });

  it('checks key and value characters and lengths', () => {
    const { rows } = validateTags(
      [
        { key: '', value: 'v' },
        { key: 'k#', value: 'v' },
        { key: 'k'.repeat(129), value: 'v' },
        { key: 'ok', value: 'v'.repeat(257) },
        { key: 'ok2', value: 'semi;colon' }
      ],
      locked,
      trans
    );
    expect(rows.map(r => r.key !== null)).toEqual([
      true,
      true,
      true,
      false,
      false
    ]);
    expect(rows[3].value).toMatch(/256/);
    expect(rows[4].value).toMatch(/Use only/);
  });

  it('counts the locked tags toward the limit of 50', () => {
    const rows = Array.from({ length: 49 }, (_, i) => ({
      key: `k${i}`,
      value: ''
    }));
    expect(validateTags(rows, locked, trans).overall).toMatch(
      /At most 50 tags/
    );
    expect(validateTags(rows.slice(0, 48), locked, trans).overall).toBeNull();
  });
});

describe('tagsOf', () => {
  it('drops rows without a key', () => {
    expect(
      tagsOf([
        { key: 'a', value: '1' },
        { key: '', value: 'lost' }
      ])
    ).toEqual({ a: '1' });
  });
});
