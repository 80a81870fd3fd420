// The break list: what reconciliation found, filtered and sorted by the API.
import { useVendors } from '../api/operations.ts';
import { BreakTable } from '../components/BreakTable.tsx';

export function Breaks() {
  const vendors = useVendors();
  return (
    <>
      <h1>Breaks</h1>
      <BreakTable vendors={vendors.data?.map((vendor) => vendor.code) ?? []} />
    </>
  );
}
