import { Cron } from 'croner';
import type { CampaignSchedule } from './campaign.js';

/** The next run strictly after `after`, or undefined when the schedule has none left. */
export function nextRunAt(schedule: CampaignSchedule, after: Date): Date | undefined {
  if ('at' in schedule) {
    const at = new Date(schedule.at);
    return at.getTime() > after.getTime() ? at : undefined;
  }
  // Read in the campaign's own zone, so that "10:00 New York" stays 10:00 across daylight saving.
  return new Cron(schedule.cron, { timezone: schedule.timezone, paused: true }).nextRun(after) ?? undefined;
}

/** True when the cron expression parses (five fields, standard syntax). */
export function isValidCron(expression: string, timezone: string): boolean {
  try {
    if (expression.trim().split(/\s+/).length !== 5) return false;
    new Cron(expression, { timezone, paused: true });
    return true;
  } catch {
    return false;
  }
}
