import type { Recipient, RecipientDirectory } from '../../ports/recipient-directory.js';
import type { SecretsSource } from '../../ports/secrets.js';
import { tagNamesAddress } from '../address-key.js';
import type { Channel } from '../consent.js';
import { LinkNotValidError, NotFoundError } from '../errors.js';
import { InvalidTokenError, TOKEN_LIFETIME_SECONDS, verifyToken } from '../tokens.js';
import type { AddressBoundPurpose, TokenClaims, TokenPurpose } from '../tokens.js';

/**
 * Verifies a link token for one purpose; any failure is a 401 that changes nothing. An expired
 * link, or one of an older format, asks for the link in a newer message.
 */
export async function verifyLink<P extends TokenPurpose>(
  secrets: SecretsSource,
  token: string | undefined,
  purpose: P,
  nowMs: number,
): Promise<Extract<TokenClaims, { purpose: P }>> {
  if (!token) throw new LinkNotValidError(false);
  const { keyring } = await secrets.getSecrets();
  try {
    return verifyToken(keyring, token, purpose, nowMs);
  } catch (error) {
    if (error instanceof InvalidTokenError) throw linkError(error);
    throw error;
  }
}

/** The 401 a link token's failure becomes. */
export function linkError(error: InvalidTokenError): LinkNotValidError {
  return new LinkNotValidError(error.reason === 'expired' || error.reason === 'outdated', { cause: error });
}

/** The address a contact holds on a channel: at most one per channel. */
export function addressOn(recipient: Recipient, channel: Channel): string | undefined {
  return channel === 'email' ? recipient.email : recipient.phone;
}

/** The channel of the address an address-bound link acts on. */
function channelOf(claims: Extract<TokenClaims, { purpose: AddressBoundPurpose }>): Channel {
  return claims.purpose === 'subscription_confirm' ? 'email' : claims.channel;
}

/**
 * True when a link's claims name the address the contact holds now on the link's channel. A
 * tagged link: its tag is that address's. An untagged one (issued before links were tagged, or a
 * fresh token standing for an untagged short code): only while the address has not been set since
 * the link was issued; a link issued before a correction was sent to the address it replaced.
 */
export function bindsHeldAddress(
  claims: Pick<Extract<TokenClaims, { purpose: AddressBoundPurpose }>, 'purpose' | 'tag' | 'issuedAt' | 'expiresAt'>,
  recipient: Pick<Recipient, 'emailSetAt' | 'phoneSetAt'>,
  channel: Channel,
  address: string,
  addressSalt: string,
): boolean {
  if (claims.tag !== undefined) return tagNamesAddress(claims.tag, addressSalt, channel, address);
  const issuedMs = (claims.issuedAt ?? claims.expiresAt - TOKEN_LIFETIME_SECONDS[claims.purpose]) * 1000;
  const setAt = channel === 'email' ? recipient.emailSetAt : recipient.phoneSetAt;
  return setAt === undefined || Date.parse(setAt) <= issuedMs;
}

/**
 * Verifies a link that acts on one address of a contact (preferences, unsubscribe, subscription
 * confirmation) and returns its claims with the contact and the address it governs. A contact
 * that was erased, or holds no address on the link's channel any more, leaves the link nothing to
 * govern (404). A link sent to an address the contact no longer holds (staff corrected it) is
 * refused as a foreign one is (401), and changes nothing: it never governs the new address,
 * which has not proved itself (SPEC §2).
 */
export async function verifyAddressLink<P extends AddressBoundPurpose>(
  deps: { secrets: SecretsSource; directory: Pick<RecipientDirectory, 'getRecipient'> },
  token: string | undefined,
  purpose: P,
  nowMs: number,
): Promise<{ claims: Extract<TokenClaims, { purpose: P }>; recipient: Recipient; address: string }> {
  const claims = await verifyLink(deps.secrets, token, purpose, nowMs);
  const bound = claims as Extract<TokenClaims, { purpose: AddressBoundPurpose }>;
  const channel = channelOf(bound);
  const recipient = await deps.directory.getRecipient(bound.contactId);
  const address = recipient ? addressOn(recipient, channel) : undefined;
  if (!recipient || !address) throw new NotFoundError('We hold no data for this link any more.');
  const { addressSalt } = await deps.secrets.getSecrets();
  if (!bindsHeldAddress(bound, recipient, channel, address, addressSalt)) throw linkError(new InvalidTokenError('other_address'));
  return { claims, recipient, address };
}
