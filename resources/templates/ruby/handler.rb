sdk.register('{{event}}', version: 'v1') do |_payload, context|
  context[:endpoints].log_event('{{event}}', handled: true)
  { ok: true, event: '{{event}}' }
end

