import { describe, expect, it } from 'vitest';
import { externalAllowList, isAllowedExternalUrl } from './external';

const list = externalAllowList('https://wiki.example.com/risk/, http://plain.example.com/, not a url');

describe('external links', () => {
  it('allows nothing by default', () => {
    expect(externalAllowList(undefined)).toEqual([]);
    expect(isAllowedExternalUrl('https://example.com/', externalAllowList(''))).toBe(false);
  });

  it('allows the configured https prefixes', () => {
    expect(list).toEqual([{ origin: 'https://wiki.example.com', pathPrefix: '/risk/' }]);
    expect(isAllowedExternalUrl('https://wiki.example.com/risk/limits', list)).toBe(true);
  });

  it('refuses everything else', () => {
    for (const url of [
      'https://example.com/',
      'https://wiki.example.com/riskier',
      'https://wiki.example.com/risk/../admin',
      'https://wiki.example.com.evil.com/risk/',
      'https://user:pw@wiki.example.com/risk/',
      'http://wiki.example.com/risk/',
      'http://plain.example.com/',
      'file:///etc/passwd',
      'smb://server/share',
      'javascript:alert(1)',
      'ms-msdt:/id PCWDiagnostic',
      'not a url',
    ])
      expect(isAllowedExternalUrl(url, list), url).toBe(false);
  });
});
