import type { Command } from 'commander';
import { ROLES } from '../../domain/api-access.ts';
import { createToken, listTokens, revokeToken } from '../../services/tokens.ts';
import { wholeNumber } from '../input.ts';
import { printJson, shortTime, table } from '../output.ts';
import { cliActor, withApp } from '../run.ts';

export function registerTokenCommands(program: Command): void {
  const token = program
    .command('token')
    .description(
      `API tokens (perfrecon api): roles ${ROLES.join(', ')}; the API records the caller as api:<name>`,
    );

  token
    .command('create')
    .requiredOption('--name <name>', 'who holds it (letters, digits, . _ @ -)')
    .requiredOption('--role <role>', `${ROLES.join(', ')}`)
    .option('--json', 'print as JSON (see src/contracts/tokens.ts)')
    .description('Create a token and print it once: only its SHA-256 is stored')
    .action(async (options: { name: string; role: string; json?: boolean }) => {
      const created = await withApp((app) =>
        createToken(app, { name: options.name, role: options.role }, cliActor()),
      );
      if (options.json) return printJson(created);
      process.stdout.write(
        `token #${created.token.id} for ${created.token.name} (${created.token.role}):\n\n  ${created.secret}\n\n` +
          'Store it now: it cannot be shown again. Send it as "Authorization: Bearer <token>".\n',
      );
    });

  token
    .command('list')
    .option('--json', 'print as JSON')
    .description('Every token, live and revoked (never the secrets)')
    .action(async (options: { json?: boolean }) => {
      const tokens = await withApp((app) => listTokens(app));
      if (options.json) return printJson(tokens);
      if (tokens.length === 0) return void process.stdout.write('no tokens yet\n');
      process.stdout.write(
        `${table(
          ['id', 'name', 'role', 'created', 'by', 'revoked', 'by'],
          tokens.map((t) => [
            t.id,
            t.name,
            t.role,
            shortTime(t.createdAt),
            t.createdBy,
            shortTime(t.revokedAt),
            t.revokedBy,
          ]),
        )}\n`,
      );
    });

  token
    .command('revoke')
    .argument('<id>', 'token id (see token list)')
    .option('--json', 'print the revoked token as JSON')
    .description('Revoke a token: the API refuses it from now on (401)')
    .action(async (rawId: string, options: { json?: boolean }) => {
      const id = wholeNumber('the token id', rawId);
      const revoked = await withApp((app) => revokeToken(app, id, cliActor()));
      if (options.json) return printJson(revoked);
      process.stdout.write(`token #${revoked.id} (${revoked.name}) is revoked\n`);
    });
}
