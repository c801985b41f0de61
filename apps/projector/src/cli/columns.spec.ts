import { formatColumns, formatRecords } from './columns.js';

describe('formatColumns', () => {
  it('aligns columns two spaces apart: text to the left, numbers to the right, with no index column, quotes or trailing spaces', () => {
    expect(formatColumns(['projection', 'state', 'lag'], [['order-history', 'live', 12], ['account-statement', 'rebuilding', 0]])).toEqual([
      'projection         state       lag',
      'order-history      live         12',
      'account-statement  rebuilding    0',
    ]);
  });

  it('keeps a column left-aligned when any of its cells is not a number', () => {
    expect(formatColumns(['name', 'lag'], [['a', 7], ['b', 'unknown']])).toEqual(['name  lag', 'a     7', 'b     unknown']);
  });

  it('follows the alignment it is given, and indents every line', () => {
    expect(formatColumns(['projection', 'lag s'], [['orders', '1.5'], ['accounts', 'unknown']], { indent: '  ', align: ['left', 'right'] })).toEqual([
      '  projection    lag s',
      '  orders          1.5',
      '  accounts    unknown',
    ]);
  });

  it('shows a missing cell as a dash and a line break inside a cell as a space, so each row stays one line', () => {
    expect(formatColumns(['key', 'error'], [['k1', 'first line\n  second line'], ['k2', null], ['k3']])).toEqual([
      'key  error',
      'k1   first line second line',
      'k2   -',
      'k3   -',
    ]);
  });

  it('gives the header alone for no rows', () => {
    expect(formatColumns(['state', 'sagas'], [])).toEqual(['state  sagas']);
  });
});

describe('formatRecords', () => {
  it('heads the columns with the keys in the order they first appear, booleans and numbers as plain text', () => {
    expect(formatRecords([{ orderId: 'o-1', overdue: false }, { orderId: 'o-22', overdue: true, amount: 1200 }])).toEqual([
      'orderId  overdue  amount',
      'o-1      false    -',
      'o-22     true     1200',
    ]);
  });

  it('gives no lines for no records', () => {
    expect(formatRecords([])).toEqual([]);
  });
});
