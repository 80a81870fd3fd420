// The break table's columns. The sortable ones are exactly the orders the API sorts by
// (BREAK_SORTS): the sorting is the server's, so the order holds across pages.
import { createColumnHelper } from '@tanstack/react-table';
import { Link } from 'react-router';
import type { BreakView } from '../../../src/contracts/breaks.ts';
import { bps } from '../format.ts';
import { StatusBadge } from './StatusBadge.tsx';

const column = createColumnHelper<BreakView>();
const fixed = { enableSorting: false };

export const breakColumns = [
  column.accessor('id', {
    ...fixed,
    header: 'Break',
    cell: (info) => <Link to={`/breaks/${info.getValue()}`}>#{info.getValue()}</Link>,
  }),
  column.accessor('status', {
    ...fixed,
    header: 'Status',
    cell: (info) => <StatusBadge status={info.getValue()} />,
  }),
  column.accessor('vendorCode', {
    ...fixed,
    header: 'Vendor',
    cell: (info) => [info.getValue(), info.row.original.counterparty].filter(Boolean).join(' / '),
  }),
  column.accessor('accountId', { header: 'Account' }),
  column.accessor('check', { ...fixed, header: 'Check' }),
  column.accessor('periodEnd', {
    header: 'Period',
    cell: (info) => `${info.row.original.periodStart} → ${info.getValue()}`,
  }),
  // The largest variance first: that is what an analyst looks for.
  column.accessor('varianceBps', {
    header: 'Variance',
    sortDescFirst: true,
    cell: (info) => bps(info.getValue()),
  }),
  column.accessor('cause', { ...fixed, header: 'Cause', cell: (info) => info.getValue() ?? 'none fits' }),
  column.accessor('openedAt', { header: 'Age', cell: (info) => `${info.row.original.ageDays} d` }),
];
