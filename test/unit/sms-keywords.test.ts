import { describe, expect, it } from '@jest/globals';
import { classifyInboundSms } from '../../shared/domain/sms/keywords.js';

describe('classifyInboundSms', () => {
  it.each([
    'STOP',
    'stop',
    '  Stop  ',
    'STOPALL',
    'unsubscribe',
    'CANCEL',
    'end',
    'Quit',
    'REVOKE',
    'OPTOUT',
    'opt-out',
    'REMOVE',
    'ARRET',
    'td',
    'Stop.',
    'STOP!',
  ])('treats the keyword %j as an opt-out', (body) => {
    expect(classifyInboundSms(body)).toBe('opt_out');
  });

  it.each(['START', 'unstop', 'Yes', ' yes! '])('treats %j as an opt-in', (body) => {
    expect(classifyInboundSms(body)).toBe('opt_in');
  });

  it.each(['HELP', 'help', 'Info', 'INFO?'])('treats %j as a help request', (body) => {
    expect(classifyInboundSms(body)).toBe('help');
  });

  // Real-world phrasings that plainly ask to stop (FCC 2025: revocation by any reasonable means).
  it.each([
    'please stop texting me',
    'Stop texting me!!',
    'STOP IT',
    'stop please',
    'Please stop',
    'pls stop sending me these',
    'Don’t text me again',
    'do not text this number',
    'dont message me',
    'Never contact me again',
    'No more texts please',
    'no more messages',
    'unsubscribe me',
    'Remove me from your list',
    'remove my number',
    'opt me out',
    'take me off this list',
    'Wrong number',
    'who is this? wrong number',
    'leave me alone',
    'I asked you to quit messaging me',
    'cease contacting me',
  ])('treats the free-text reply %j as an opt-out', (body) => {
    expect(classifyInboundSms(body)).toBe('opt_out');
  });

  // Replies that mention the same words but do not ask to stop the texts.
  it.each([
    'Can I stop by Tuesday at 3?',
    "I'll stop in after lunch",
    'cancel my appointment',
    'Please cancel the demo, we will reschedule',
    'the trade-in price was a non-stop surprise',
    "Don't stop the promo, it's great",
    'What time do you stop serving customers?',
    'end of month works for us',
    'remove the sunroof option from the quote',
    'yes please send the pricing sheet',
    'help me pick a plan',
    'Thanks!',
    '',
  ])('does not treat %j as an opt-out', (body) => {
    expect(classifyInboundSms(body)).not.toBe('opt_out');
  });
});
