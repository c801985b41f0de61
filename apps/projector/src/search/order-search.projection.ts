/** The order search read model, in Elasticsearch: names it shares with the Postgres projections. */
export const ORDER_SEARCH_PROJECTION = { name: 'order-search', categories: ['order'] } as const;
