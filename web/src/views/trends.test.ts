import { describe, expect, it } from 'vitest';
import type { TrendItem } from '../api';
import { setLang } from '../i18n';
import contract from '../../../docs/openapi.json';
import { KINDS, showTrends } from './trends';

const item = (date: string, overrides: Partial<TrendItem> = {}): TrendItem => ({
  kind: 'hashtags',
  name: '#routine',
  rank: 1,
  country: 'FR',
  periodDays: 7,
  date,
  metric: 1200,
  metricName: 'posts',
  views: null,
  category: null,
  fetchedAt: `${date}T06:00:00Z`,
  source: 'TikTok Creative Center',
  ...overrides,
});

describe('the trends page', () => {
  const now = new Date('2026-12-01T12:00:00Z');

  it('shows stored trends with their source and date although no Creative Center endpoint is configured', () => {
    setLang('en');
    const results = document.createElement('div');
    showTrends(results, { configured: false, items: [item('2026-11-29')] }, now);
    expect(results.querySelector('[data-testid="trends-unconfigured"]')).toBeNull();
    expect(results.textContent).toContain('#routine');
    expect(results.querySelector('[data-testid="trend-source"]')?.textContent).toContain('TikTok Creative Center');
    expect(results.textContent).toContain('29');
    expect(results.querySelector('[data-testid="trends-stale"]')).toBeNull();
  });

  it('says when the newest trends are more than a week old', () => {
    setLang('fr');
    const results = document.createElement('div');
    showTrends(results, { configured: false, items: [item('2026-11-20')] }, now);
    const stale = results.querySelector('[data-testid="trends-stale"]');
    expect(stale?.textContent).toContain('plus d’une semaine');
    expect(results.textContent).toContain('#routine');
  });

  it('explains the missing source only when there is nothing stored', () => {
    setLang('en');
    const results = document.createElement('div');
    showTrends(results, { configured: false, items: [] }, now);
    expect(results.querySelector('[data-testid="trends-unconfigured"]')).not.toBeNull();
  });

  it('says the trends again in the new language after a switch, in the same elements', () => {
    setLang('fr');
    const results = document.createElement('div');
    showTrends(results, { configured: true, items: [item('2026-11-20')] }, now);
    const card = results.querySelector('.trend-card');
    expect(results.textContent).toContain('20 novembre 2026');
    setLang('en');
    expect(results.textContent).toContain('20 November 2026');
    expect(results.textContent).toContain('more than a week');
    expect(results.querySelector('.trend-card')).toBe(card);
  });

  it('filters with the kinds the API accepts (it answered 400 to kind=hashtag)', () => {
    const kind = contract.paths['/api/trends'].get.parameters.find((p) => p.name === 'kind');
    expect([...KINDS].sort()).toEqual([...(kind?.schema.enum ?? [])].sort());
  });
});
