// Why a break happened: the cause that fits with its recomputed return, the others that fit as
// well, and every candidate tried (or that none fits).
import type { BreakExplanation } from '../../../src/domain/reconciliation.ts';
import { bps, percent } from '../format.ts';

export function Explanation({ explanation }: { explanation: BreakExplanation | null }) {
  if (explanation === null) return <p>No explanation was computed for this kind of check.</p>;
  return (
    <>
      <p className="summary">{explanation.summary}</p>
      <dl className="facts">
        <dt>Cause</dt>
        <dd>{explanation.cause ?? 'none fits'}</dd>
        <dt>Recomputed</dt>
        <dd>{percent(explanation.recomputed)}</dd>
        <dt>Also fits</dt>
        <dd>{explanation.alsoFits.length === 0 ? 'no other cause' : explanation.alsoFits.join(', ')}</dd>
      </dl>
      {explanation.candidates.length > 0 ? (
        <div className="table-scroll">
          <table>
            <caption>Causes tried</caption>
            <thead>
              <tr>
                <th scope="col">Cause</th>
                <th scope="col">Assumes</th>
                <th scope="col">Recomputed</th>
                <th scope="col">Residual</th>
                <th scope="col">Fits</th>
              </tr>
            </thead>
            <tbody>
              {explanation.candidates.map((candidate) => (
                <tr key={candidate.cause}>
                  <td>{candidate.cause}</td>
                  <td>{candidate.assumption}</td>
                  <td>{percent(candidate.recomputed)}</td>
                  <td>{bps(candidate.residualBps)}</td>
                  <td>{candidate.fits ? 'yes' : 'no'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
