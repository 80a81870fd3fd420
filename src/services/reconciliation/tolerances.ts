// Tolerance rules for operators: set (insert or replace, audited), list, remove, and explain
// which tolerance applies to an account, vendor and date.
import { type Cache, tags } from '../../cache/index.ts';
import { timestamp } from '../../contracts/common.ts';
import type { ToleranceItem } from '../../contracts/tolerances.ts';
import { InvalidInputError, NotFoundError } from '../../domain/errors.ts';
import type { VendorConfig } from '../../domain/vendor-config.ts';
import {
  ANY,
  type AppliedTolerance,
  ruleProblems,
  ToleranceBook,
  type ToleranceRule,
} from '../../reconcile/index.ts';
import type { Database } from '../../store/db/database.ts';
import {
  deleteToleranceRule,
  listToleranceRules,
  type StoredToleranceRule,
  upsertToleranceRule,
} from '../../store/tolerance-repository.ts';
import { setAuditActor } from '../../store/vendor-repository.ts';
import { vendorSettingsLookup } from './vendor-settings.ts';

export interface ToleranceDeps {
  database: Pick<Database, 'db'>;
  cache: Cache;
}

export interface ToleranceInput {
  accountId?: string | undefined;
  vendorCode?: string | undefined;
  effectiveFrom: string;
  effectiveTo?: string | undefined;
  returnBps?: number | undefined;
  marketValueAbs?: string | undefined;
  marketValueRel?: number | undefined;
  comment?: string | undefined;
}

function toleranceItem(rule: StoredToleranceRule): ToleranceItem {
  return { ...rule, updatedAt: timestamp(rule.updatedAt) };
}

export async function setTolerance(
  deps: ToleranceDeps,
  input: ToleranceInput,
  actor: string,
): Promise<ToleranceItem> {
  const rule: ToleranceRule & { comment: string | null } = {
    accountId: input.accountId ?? ANY,
    vendorCode: input.vendorCode ?? ANY,
    effectiveFrom: input.effectiveFrom,
    effectiveTo: input.effectiveTo ?? null,
    returnBps: input.returnBps ?? null,
    marketValueAbs: input.marketValueAbs ?? null,
    marketValueRel: input.marketValueRel ?? null,
    comment: input.comment ?? null,
  };
  const problems = ruleProblems(rule);
  if (problems.length > 0) {
    throw new InvalidInputError(
      `the tolerance cannot be stored: ${problems.join('; ')}`,
      'e.g. perfrecon tolerances set --vendor custodian --return-bps 2 --from 2024-01-01',
    );
  }
  const stored = await deps.database.db.transaction().execute(async (trx) => {
    await setAuditActor(trx, actor);
    return upsertToleranceRule(trx, rule, actor);
  });
  await deps.cache.invalidate([tags.tolerances]);
  return toleranceItem(stored);
}

export async function listTolerances(
  deps: Pick<ToleranceDeps, 'database'>,
  filter: { accountId?: string | undefined; vendorCode?: string | undefined } = {},
): Promise<ToleranceItem[]> {
  return (await listToleranceRules(deps.database.db, filter)).map(toleranceItem);
}

export async function removeTolerance(
  deps: ToleranceDeps,
  key: { accountId?: string | undefined; vendorCode?: string | undefined; effectiveFrom: string },
  actor: string,
): Promise<void> {
  const removed = await deps.database.db.transaction().execute(async (trx) => {
    await setAuditActor(trx, actor);
    return deleteToleranceRule(trx, {
      accountId: key.accountId ?? ANY,
      vendorCode: key.vendorCode ?? ANY,
      effectiveFrom: key.effectiveFrom,
    });
  });
  if (!removed) {
    throw new NotFoundError(
      `no tolerance for account ${key.accountId ?? ANY}, vendor ${key.vendorCode ?? ANY} effective from ${key.effectiveFrom}`,
      'See the stored rules with: perfrecon tolerances list',
    );
  }
  await deps.cache.invalidate([tags.tolerances]);
}

/** The tolerance that applies to an account's periods from a vendor ending on `date`. */
export async function resolveTolerance(
  deps: Pick<ToleranceDeps, 'database'> & { vendors: readonly VendorConfig[] },
  accountId: string,
  vendorCode: string,
  date: string,
): Promise<AppliedTolerance> {
  const settings = vendorSettingsLookup(deps.vendors);
  const book = new ToleranceBook(
    await listToleranceRules(deps.database.db),
    (code) => settings(code).tolerances,
  );
  return book.resolve(accountId, vendorCode, date);
}
