// A status as text with a colour class: the colour helps, the word carries the meaning.
export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge badge-${status.toLowerCase().replaceAll('_', '-')}`}>
      {status.replaceAll('_', ' ')}
    </span>
  );
}
