// Configured vendors with their current configuration version, and (on demand) the versions of
// it that produced stored data.
import { useState } from 'react';
import { useVendor, useVendors } from '../api/operations.ts';
import { dateTime } from '../format.ts';
import { QueryView } from './States.tsx';

export function VendorList() {
  const vendors = useVendors();
  const [open, setOpen] = useState<string | null>(null);
  const detail = useVendor(open);
  return (
    <section aria-labelledby="vendors-heading">
      <h2 id="vendors-heading">Vendors</h2>
      <QueryView query={vendors} what="vendors">
        {(items) => (
          <ul className="vendors">
            {items.map((vendor) => (
              <li key={vendor.code}>
                <button
                  type="button"
                  className="link"
                  aria-expanded={open === vendor.code}
                  onClick={() => setOpen(open === vendor.code ? null : vendor.code)}
                >
                  {vendor.name} ({vendor.code})
                </button>{' '}
                {vendor.formats.join(', ')} · {vendor.returnBasis} · flows {vendor.flowTiming} · version{' '}
                <code>{vendor.version.slice(0, 12)}</code>
                {open === vendor.code ? (
                  <QueryView query={detail} what="configuration versions">
                    {(one) => (
                      <ul>
                        {one.storedVersions.length === 0 ? <li>No stored data yet.</li> : null}
                        {one.storedVersions.map((version) => (
                          <li key={version.version}>
                            <code>{version.version.slice(0, 12)}</code> first used{' '}
                            {dateTime(version.firstSeen)}
                          </li>
                        ))}
                      </ul>
                    )}
                  </QueryView>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </QueryView>
    </section>
  );
}
