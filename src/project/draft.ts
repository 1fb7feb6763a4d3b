/**
 * What the "Create registration token" form holds, and its validation.
 */

import type { TranslationBundle } from '@jupyterlab/translation';

import {
  REGISTRATION_TTL_MAX_SECONDS,
  formatTtlHuman,
  type IRegistrationTokenRequest,
  parseTtl,
  ACCESS_TOKEN_LIFETIME_MAX_SECONDS,
  type TokenType,
  validateTokenName
} from '../api';
import { describeError } from '../messages';

/**
 * The form's fields as typed.
 */
export interface IRegistrationDraft {
  /** Name of the access token the colleague will get. */
  readonly name: string;
  readonly role: TokenType;
  /** How long the registration token can be redeemed (`access_ttl`). */
  readonly accessTtl: string;
  /** Whether the access token never expires (`refresh_ttl` null). */
  readonly neverExpires: boolean;
  /** The access token's lifetime when it expires (`refresh_ttl`). */
  readonly refreshTtl: string;
}

/**
 * A new form's content.
 */
export const EMPTY_DRAFT: IRegistrationDraft = {
  name: '',
  role: 'USER',
  accessTtl: '24h',
  neverExpires: true,
  refreshTtl: '2160h'
};

/**
 * The form checked: a sentence per invalid field, human previews of the
 * lifetimes, and the request when everything is valid.
 */
export interface IDraftCheck {
  readonly nameError: string | null;
  readonly accessTtlError: string | null;
  readonly refreshTtlError: string | null;
  /** e.g. "2 h 45 min 30 s", when the TTL is valid. */
  readonly accessTtlPreview: string | null;
  readonly refreshTtlPreview: string | null;
  /** Seconds of the registration TTL, when valid. */
  readonly accessSeconds: number | null;
  readonly request: IRegistrationTokenRequest | null;
}

/**
 * Translated unit labels for lifetimes.
 */
export function ttlUnits(trans: TranslationBundle): {
  hours: string;
  minutes: string;
  seconds: string;
} {
  return {
    // TRANSLATORS: abbreviations after a number: "2 h 45 min 30 s".
    hours: trans._p('unit of time', 'h'),
    minutes: trans._p('unit of time', 'min'),
    seconds: trans._p('unit of time', 's')
  };
}

function checkTtl(
  text: string,
  field: 'access_ttl' | 'refresh_ttl',
  trans: TranslationBundle
): { error: string | null; seconds: number | null; preview: string | null } {
  try {
    const seconds = parseTtl(text.trim(), {
      field,
      maxSeconds:
        field === 'access_ttl'
          ? REGISTRATION_TTL_MAX_SECONDS
          : ACCESS_TOKEN_LIFETIME_MAX_SECONDS
    });
    return {
      error: null,
      seconds,
      preview: formatTtlHuman(seconds, ttlUnits(trans))
    };
  } catch (error) {
    return { error: describeError(error, trans), seconds: null, preview: null };
  }
}

/**
 * Check every field of the form.
 */
export function checkDraft(
  draft: IRegistrationDraft,
  trans: TranslationBundle
): IDraftCheck {
  let nameError: string | null = null;
  try {
    validateTokenName(draft.name.trim(), 'client_name');
  } catch (error) {
    nameError = describeError(error, trans);
  }
  const access = checkTtl(draft.accessTtl, 'access_ttl', trans);
  const refresh = draft.neverExpires
    ? { error: null, seconds: null, preview: null }
    : checkTtl(draft.refreshTtl, 'refresh_ttl', trans);
  const valid = !nameError && !access.error && !refresh.error;
  return {
    nameError,
    accessTtlError: access.error,
    refreshTtlError: refresh.error,
    accessTtlPreview: access.preview,
    refreshTtlPreview: refresh.preview,
    accessSeconds: access.seconds,
    request: valid
      ? {
          clientName: draft.name.trim(),
          role: draft.role,
          accessTtl: draft.accessTtl.trim(),
          refreshTtl: draft.neverExpires ? null : draft.refreshTtl.trim()
        }
      : null
  };
}
