import { classifyHealth } from '../health';

describe('classifyHealth', () => {
  it('is ok when the server extension has the frontend version', () => {
    // Given a server extension of the same version
    const health = {
      name: 'studio-abac-ext',
      version: '0.1.0',
      serverVersion: '2.21.1'
    };
    // When the answer is classified
    const status = classifyHealth('0.1.0', { health });
    // Then all is well
    expect(status).toEqual({ kind: 'ok', version: '0.1.0' });
  });

  it('reports a version mismatch with both versions', () => {
    const health = {
      name: 'studio-abac-ext',
      version: '0.0.9',
      serverVersion: '2.21.1'
    };
    expect(classifyHealth('0.1.0', { health })).toEqual({
      kind: 'mismatch',
      frontendVersion: '0.1.0',
      serverVersion: '0.0.9'
    });
  });

  it('reports a missing server extension with the failure message', () => {
    const status = classifyHealth('0.1.0', { error: new Error('Not Found') });
    expect(status).toEqual({ kind: 'missing', detail: 'Not Found' });
  });
});
