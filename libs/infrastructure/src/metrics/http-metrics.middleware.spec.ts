import { routeTemplate, statusClass, UNMATCHED_ROUTE } from './http-metrics.middleware.js';

describe('http metrics labels', () => {
  it('label a request by its route template, never its URL', () => {
    expect(routeTemplate({ baseUrl: '', route: { path: '/orders/:orderId/cancel' } })).toBe('/orders/:orderId/cancel');
    expect(routeTemplate({ baseUrl: '/v1', route: { path: '/orders' } })).toBe('/v1/orders');
  });

  it('put requests no route matched together', () => {
    expect(routeTemplate({ baseUrl: '', route: undefined })).toBe(UNMATCHED_ROUTE);
  });

  it('keep the status class only', () => {
    expect([statusClass(201), statusClass(409), statusClass(503)]).toEqual(['2xx', '4xx', '5xx']);
  });
});
