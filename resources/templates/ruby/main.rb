# {{name}}: a Kiket extension with Kiket's Ruby SDK (kiket-sdk). The SDK reads extension.yaml,
# checks each delivery's signature and calls the extension API with its runtime token.
# Environment: PORT, KIKET_WEBHOOK_SECRET, KIKET_BASE_URL (the workbench points it at its sandbox).
require 'kiket_sdk'

sdk = KiketSDK.new(
  extension_id: '{{id}}',
  extension_version: '0.1.0'
)

{{handlers}}
sdk.run!(host: '127.0.0.1', port: Integer(ENV.fetch('PORT', '8080')))
