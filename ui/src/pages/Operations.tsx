// What keeps the pipeline running: the dead-letter queue, vendor configurations, tolerances.
import { DeadLetters } from '../components/DeadLetters.tsx';
import { Tolerances } from '../components/Tolerances.tsx';
import { VendorList } from '../components/VendorList.tsx';

export function Operations() {
  return (
    <>
      <h1>Operations</h1>
      <DeadLetters />
      <VendorList />
      <Tolerances />
    </>
  );
}
