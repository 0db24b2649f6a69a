/** One version of the privacy policy (SPEC §4 policy versions; GET /policy). */
export interface PolicyVersion {
  version: string;
  effectiveAt: string;
  summary: string;
  url: string;
  /** A significant change: people are told with a service notice (privacy policy, "Changes to this Policy"). */
  significant?: boolean;
}
