// Breaks as a table (TanStack Table): filters, sorting and paging are all done by the API; the
// table holds the state and asks for one page at a time.
import { flexRender, getCoreRowModel, type SortingState, useReactTable } from '@tanstack/react-table';
import { useState } from 'react';
import { ACTIVE_STATUSES, BREAK_SORTS, type BreakSort } from '../../../src/domain/reconciliation.ts';
import { type BreakFilter, useBreakPage } from '../api/breaks.ts';
import { BreakFilters } from './BreakFilters.tsx';
import { breakColumns } from './break-columns.tsx';
import { Empty, ErrorState, Loading } from './States.tsx';

const PAGE_SIZES = [25, 50, 100];
const isSort = (id: string): id is BreakSort => (BREAK_SORTS as readonly string[]).includes(id);

export const DEFAULT_BREAK_FILTER: BreakFilter = {
  statuses: [...ACTIVE_STATUSES],
  vendor: '',
  account: '',
  sort: 'openedAt',
  order: 'asc',
  pageIndex: 0,
  pageSize: 25,
};

export function BreakTable({ vendors }: { vendors: readonly string[] }) {
  const [filter, setFilter] = useState<BreakFilter>(DEFAULT_BREAK_FILTER);
  const page = useBreakPage(filter);
  // Any change but a page turn starts again at the first page.
  const change = (next: Partial<BreakFilter>) => setFilter((old) => ({ ...old, pageIndex: 0, ...next }));
  // While another filter, order or page loads, the previous rows stay in view (no jump), but they
  // are not the answer: they cannot be clicked, so a click never lands on a row about to vanish.
  const stale = page.isPlaceholderData;
  const sorting: SortingState = [{ id: filter.sort, desc: filter.order === 'desc' }];
  const table = useReactTable({
    data: page.data?.rows ?? [],
    columns: breakColumns,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualPagination: true,
    enableSortingRemoval: false,
    state: { sorting },
    onSortingChange: (updater) => {
      const [first] = typeof updater === 'function' ? updater(sorting) : updater;
      if (first !== undefined && isSort(first.id))
        change({ sort: first.id, order: first.desc ? 'desc' : 'asc' });
    },
  });

  return (
    <section aria-labelledby="breaks-heading">
      <BreakFilters filter={filter} vendors={vendors} onChange={change} />
      {page.error ? <ErrorState error={page.error} retry={() => void page.refetch()} /> : null}
      {page.isPending ? <Loading what="breaks" /> : null}
      {stale ? <Loading what="the matching breaks" /> : null}
      {page.data?.rows.length === 0 ? (
        <Empty>No break matches these filters. Widen the statuses or clear the vendor and account.</Empty>
      ) : null}
      {page.data !== undefined && page.data.rows.length > 0 ? (
        <div className="table-scroll">
          <table aria-busy={page.isFetching} className={stale ? 'stale' : undefined}>
            <caption id="breaks-heading">Breaks, page {filter.pageIndex + 1}</caption>
            <thead>
              {table.getHeaderGroups().map((group) => (
                <tr key={group.id}>
                  {group.headers.map((header) => {
                    const sorted = header.column.getIsSorted();
                    const label = flexRender(header.column.columnDef.header, header.getContext());
                    return (
                      <th
                        key={header.id}
                        scope="col"
                        aria-sort={
                          sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined
                        }
                      >
                        {header.column.getCanSort() ? (
                          <button
                            type="button"
                            className="sort"
                            onClick={header.column.getToggleSortingHandler()}
                          >
                            {label}
                            <span aria-hidden="true">
                              {sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ' ↕'}
                            </span>
                          </button>
                        ) : (
                          label
                        )}
                      </th>
                    );
                  })}
                </tr>
              ))}
            </thead>
            <tbody inert={stale}>
              {table.getRowModel().rows.map((row) => (
                <tr key={row.id}>
                  {row.getVisibleCells().map((cell) => (
                    <td key={cell.id} data-label={String(cell.column.columnDef.header)}>
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <nav className="pager" aria-label="Pages of breaks">
        <button
          type="button"
          disabled={filter.pageIndex === 0}
          onClick={() => setFilter((old) => ({ ...old, pageIndex: old.pageIndex - 1 }))}
        >
          Previous page
        </button>
        <span>Page {filter.pageIndex + 1}</span>
        <button
          type="button"
          disabled={!page.data?.hasNextPage || page.isPlaceholderData}
          onClick={() => setFilter((old) => ({ ...old, pageIndex: old.pageIndex + 1 }))}
        >
          Next page
        </button>
        <label>
          Rows per page
          <select
            value={filter.pageSize}
            onChange={(event) => change({ pageSize: Number(event.target.value) })}
          >
            {PAGE_SIZES.map((size) => (
              <option key={size}>{size}</option>
            ))}
          </select>
        </label>
      </nav>
    </section>
  );
}
