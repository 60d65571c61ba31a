// A disruption as a council's event stream and webhooks carry it (the disruptions API's shape), for tests
// that play a council stream: the gateway's relay checks every field of it against the standard.
export function disruptionJsonFixture(id: string, councilCode: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    councilCode,
    title: `Disruption ${id}`,
    reason: 'SEVERE_WEATHER',
    message: null,
    serviceTypes: null,
    area: 'council',
    effect: 'cancelled',
    startsOn: '2026-12-01',
    endsOn: '2026-12-02',
    url: null,
    createdAt: '2026-12-01T08:00:00.000Z',
    updatedAt: '2026-12-01T08:00:00.000Z',
    withdrawnAt: null,
    ...overrides,
  };
}
