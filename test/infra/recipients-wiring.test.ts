import { describe, expect, it } from '@jest/globals';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../../infra/build-app.js';
import { EXAMPLE_CONFIG_PATH } from '../../infra/config.js';
import { RECIPIENTS } from '../../shared/recipients.js';
import type { Recipient } from '../../shared/recipients.js';

const without = (id: string): Recipient[] => RECIPIENTS.filter((recipient) => recipient.id !== id);

describe('cdk synth refuses an unregistered recipient (SPEC §4 Disclosures)', () => {
  it.each([
    ['aws_sns', 'AWS service "sns"'],
    ['aws_ses', 'AWS service "ses"'],
    ['sales_mailbox', 'mailbox "salesNotificationAddress"'],
    ['support_mailbox', 'mailbox "supportNotificationAddress"'],
  ])('throws when %s is missing from the registry, naming what the stack wires', (id, named) => {
    // Arrange
    const app = new App();
    // Act
    const building = () => buildApp(app, EXAMPLE_CONFIG_PATH, without(id));
    // Assert
    expect(building).toThrow(named);
    expect(app.node.children).toHaveLength(0);
  });
});
