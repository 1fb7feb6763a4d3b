/**
 * Notes of registration tokens handed out: name, role, expiry and the
 * access-token lifetime, never a value. The server vault keeps them.
 */

import type { TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';
import { type ISignal, Signal } from '@lumino/signaling';

import { describeError } from '../messages';
import type { IInvitation } from '../vault/types';

/**
 * Where the notes are kept. `VaultModel` fits it.
 */
export interface IInvitationStore {
  invitations(): Promise<readonly IInvitation[]>;
  addInvitation(
    invitation: Omit<IInvitation, 'id' | 'created_at'>
  ): Promise<IInvitation>;
  removeInvitation(id: string): Promise<void>;
}

/**
 * What became of a registration token handed out.
 *
 * - `redeemed`: an access token with its name is in the project list.
 * - `expired`: not redeemed and past its expiry.
 * - `pending`: still redeemable as far as we know.
 */
export type InvitationStatus = 'pending' | 'redeemed' | 'expired';

/**
 * The status of a note, given the names in the project list (null when
 * the list is not known) and the time now in ms.
 */
export function invitationStatus(
  note: Pick<IInvitation, 'name' | 'expires_at'>,
  projectNames: ReadonlySet<string> | null,
  now: number
): InvitationStatus {
  if (projectNames?.has(note.name)) {
    return 'redeemed';
  }
  const expires = Date.parse(note.expires_at);
  return Number.isFinite(expires) && expires <= now ? 'expired' : 'pending';
}

/**
 * The list of invitation notes and whether it is shown.
 */
export class InvitationsModel implements IDisposable {
  constructor(options: InvitationsModel.IOptions) {
    this._store = options.store;
    this._trans = options.trans;
    this._visible = options.visible ?? true;
  }

  /**
   * Emitted when the notes, the error or `visible` change.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get notes(): readonly IInvitation[] {
    return this._notes;
  }

  /**
   * Why the last read failed, as a sentence; null when it did not.
   */
  get error(): string | null {
    return this._error;
  }

  /**
   * Whether the pending invitations are shown (a user setting).
   */
  get visible(): boolean {
    return this._visible;
  }

  set visible(value: boolean) {
    if (value === this._visible) {
      return;
    }
    this._visible = value;
    this._emit();
  }

  /**
   * Read the notes again. Never rejects: a failure sets `error`.
   */
  async refresh(): Promise<void> {
    try {
      this._notes = [...(await this._store.invitations())];
      this._error = null;
    } catch (error) {
      this._error = describeError(error, this._trans);
    }
    this._emit();
  }

  /**
   * Keep a note about a registration token just created.
   */
  async add(note: Omit<IInvitation, 'id' | 'created_at'>): Promise<void> {
    const saved = await this._store.addInvitation(note);
    this._notes = [...this._notes, saved];
    this._emit();
  }

  /**
   * Forget a note (the registration token itself stays valid). Never
   * rejects: a failure sets `error`.
   */
  async remove(id: string): Promise<void> {
    try {
      await this._store.removeInvitation(id);
      this._notes = this._notes.filter(note => note.id !== id);
      this._error = null;
    } catch (error) {
      this._error = describeError(error, this._trans);
    }
    this._emit();
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    Signal.clearData(this);
  }

  private _emit(): void {
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  private readonly _store: IInvitationStore;
  private readonly _trans: TranslationBundle;
  private _notes: readonly IInvitation[] = [];
  private _error: string | null = null;
  private _visible: boolean;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
}

export namespace InvitationsModel {
  export interface IOptions {
    /** Where the notes are kept (the vault model). */
    store: IInvitationStore;
    trans: TranslationBundle;
    /** Whether the notes are shown (default true). */
    visible?: boolean;
  }
}
