// Synthetic, clearly fictional feed data for tests. Real UK data lives only in the bundled feed.
import type { Endorsement, Feed, Tool } from '@/lib/feed/schema';

export function endorsement(overrides: Partial<Endorsement> = {}): Endorsement {
  return {
    issuer: 'Example Charity (test)',
    issuerKind: 'charity',
    status: 'listed',
    decisionDate: '2025-06',
    sourceUrl: 'https://charity.example/apps',
    sourceType: 'primary',
    ...overrides,
  };
}

export function tool(overrides: Partial<Tool> = {}): Tool {
  return {
    id: 'example-tool',
    name: 'Example Tool (test)',
    publisher: 'Example Ltd',
    identifiers: {},
    conditions: ['asthma'],
    endorsements: [],
    facts: [],
    ...overrides,
  };
}

export function feed(overrides: Partial<Feed> = {}): Feed {
  return {
    format: 'signpost-feed',
    version: 1,
    publisher: { id: 'example-publisher', name: 'Example Publisher (test)', kind: 'local-network' },
    sequence: 1,
    generatedAt: '2026-11-01T00:00:00Z',
    tools: [],
    ...overrides,
  };
}
