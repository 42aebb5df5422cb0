import type { KoaContextWithOIDC } from 'oidc-provider';
import { renderDeviceCodePage, renderDeviceConfirmPage, renderDeviceDonePage } from './pages.ts';

/** Seconds a device client waits between two token requests, unless told to slow down. */
export const DEVICE_POLL_INTERVAL_SECONDS = 5;

const USER_CODE_ERRORS: Record<string, string> = {
  NoCodeError: 'Enter the code shown in your terminal.',
  NotFoundError: 'That code is not valid. Check it and try again.',
  ExpiredError: 'That code has expired. Start again in your terminal.',
  AlreadyUsedError: 'That code has already been used. Start again in your terminal.',
  AbortedError: 'The sign-in was cancelled. You can close this page.',
};

/**
 * oidc-provider's `deviceFlow` feature with Parley's own pages (the sign-in
 * and consent in between are the usual interaction pages).
 * @see https://www.rfc-editor.org/rfc/rfc8628
 */
export function deviceFlowFeature() {
  return {
    enabled: true,
    charset: 'base-20' as const,
    mask: '****-****',
    async userCodeInputSource(ctx: KoaContextWithOIDC, form: string, _out?: unknown, error?: Error) {
      const message = error ? (USER_CODE_ERRORS[error.name] ?? 'Something went wrong. Try again.') : undefined;
      const userCode = (error as { userCode?: unknown } | undefined)?.userCode;
      sendPage(
        ctx,
        renderDeviceCodePage({
          action: ctx.oidc.urlFor('code_verification'),
          xsrf: xsrfOf(form),
          ...(message ? { error: message } : {}),
          ...(typeof userCode === 'string' && error?.name !== 'AbortedError' ? { userCode } : {}),
        }),
      );
    },
    async userCodeConfirmSource(
      ctx: KoaContextWithOIDC,
      form: string,
      client: { clientName?: string; clientId: string },
      _deviceInfo: unknown,
      userCode: string,
    ) {
      sendPage(
        ctx,
        renderDeviceConfirmPage({
          action: ctx.oidc.urlFor('code_verification'),
          xsrf: xsrfOf(form),
          userCode,
          clientName: client.clientName ?? client.clientId,
        }),
      );
    },
    async successSource(ctx: KoaContextWithOIDC) {
      const client = ctx.oidc.client;
      sendPage(ctx, renderDeviceDonePage(client?.clientName ?? client?.clientId ?? 'The device'));
    },
  };
}

/** RFC 8628 §3.2: `interval` tells the device how long to wait between polls (oidc-provider leaves it out). */
export function addPollInterval(body: Record<string, unknown>): void {
  body.interval ??= DEVICE_POLL_INTERVAL_SECONDS;
}

/** The anti-forgery value oidc-provider put in the form it would have rendered. */
function xsrfOf(form: string): string {
  return /name="xsrf" value="([^"]*)"/.exec(form)?.[1] ?? '';
}

function sendPage(ctx: KoaContextWithOIDC, html: string): void {
  ctx.type = 'html';
  ctx.set('cache-control', 'no-store');
  ctx.set('x-frame-options', 'DENY');
  ctx.set('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
  ctx.body = html;
}
