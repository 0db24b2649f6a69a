import { describe, expect, it } from '@jest/globals';
import type { Request } from '@middy/core';
import { MalformedBodyError } from '../../shared/domain/errors.js';
import { parseBody } from '../../shared/http/body-parser.js';
import type { HttpEvent, HttpResult } from '../../shared/http/types.js';

const middleware = parseBody({ accept: ['json', 'form', 'multipart', 'text'] });

/** Runs the body parser over a POST with these bytes, as API Gateway hands them over: base64 for binary. */
async function parse(contentType: string, body: Buffer | string, base64 = Buffer.isBuffer(body)): Promise<HttpEvent> {
  const event = {
    httpMethod: 'POST',
    headers: { 'content-type': contentType },
    body: Buffer.isBuffer(body) ? body.toString('base64') : body,
    isBase64Encoded: base64,
  } as unknown as HttpEvent;
  await middleware.before?.({ event } as Request<HttpEvent, HttpResult>);
  return event;
}

/** `{"name":"Jane <0xFF> Doe"}`: one byte that can never appear in UTF-8. */
const invalidJson = Buffer.concat([Buffer.from('{"name":"Jane '), Buffer.from([0xff]), Buffer.from(' Doe"}')]);

describe('parseBody', () => {
  it('parses UTF-8 JSON, multi-byte characters included', async () => {
    // Act
    const event = await parse('application/json', Buffer.from('{"name":"  Zoë 山田 "}'));
    // Assert
    expect(event.parsedBody).toEqual({ name: 'Zoë 山田' });
  });

  it('refuses a JSON body that is not UTF-8 as malformed_body', async () => {
    // Act & Assert
    await expect(parse('application/json', invalidJson)).rejects.toBeInstanceOf(MalformedBodyError);
  });

  it('refuses a truncated multi-byte sequence', async () => {
    // Arrange: the first two of the three bytes of 山.
    const truncated = Buffer.concat([Buffer.from('name=Yamada'), Buffer.from([0xe5, 0xb1])]);
    // Act & Assert
    await expect(parse('application/x-www-form-urlencoded', truncated)).rejects.toBeInstanceOf(MalformedBodyError);
  });

  it('refuses a body a gateway already decoded leniently, where the bad byte arrives as U+FFFD', async () => {
    // Arrange: what a text-mode gateway makes of invalidJson.
    const lenient = invalidJson.toString('utf8');
    // Act & Assert
    await expect(parse('application/json', lenient, false)).rejects.toMatchObject({ statusCode: 400, code: 'malformed_body' });
  });

  it('refuses a form field whose percent-encoding is not UTF-8', async () => {
    // Act & Assert
    await expect(parse('application/x-www-form-urlencoded', 'name=Jane%FFDoe', false)).rejects.toBeInstanceOf(MalformedBodyError);
  });

  it('refuses a JSON string holding a lone surrogate, which has no UTF-8 form', async () => {
    // Act & Assert
    await expect(parse('application/json', '{"name":"Jane \\ud800 Doe"}', false)).rejects.toBeInstanceOf(MalformedBodyError);
  });

  it('refuses a multipart text field that is not UTF-8', async () => {
    // Arrange
    const boundary = 'x-boundary';
    const multipart = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nJane `),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    // Act & Assert
    await expect(parse(`multipart/form-data; boundary=${boundary}`, multipart)).rejects.toBeInstanceOf(MalformedBodyError);
  });

  it('keeps a text beacon body as it came', async () => {
    // Act
    const event = await parse('text/plain', '{"type":"pageview","path":"/"}', false);
    // Assert
    expect(event.parsedBody).toBe('{"type":"pageview","path":"/"}');
  });
});
