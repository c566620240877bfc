sdk.webhook('{{event}}', 'v1')(async (payload, context) => {
  await context.endpoints.logEvent('{{event}}', { handled: true });
  return { ok: true, event: '{{event}}' };
});

