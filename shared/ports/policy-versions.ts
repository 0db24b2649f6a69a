import type { Campaign } from '../domain/campaigns/campaign.js';
import type { PolicyVersion } from '../domain/policy/policy-version.js';

/** The privacy-policy versions: every consent record names the one in force. */
export interface PolicyVersions {
  /** The latest version whose effective time has come. */
  inForce(at: Date): Promise<PolicyVersion>;
  /**
   * Stores a new version and, when given, the campaign that announces it, in one write that
   * succeeds or fails whole; false (and nothing stored) when that version name exists already.
   */
  add(version: PolicyVersion & { createdBy: string; createdAt: string }, notice?: Campaign): Promise<boolean>;
}
