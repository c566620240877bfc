// {{name}}: a Kiket extension with Kiket's Node SDK (@kiket-dev/sdk). The SDK reads extension.yaml,
// checks each delivery's signature and calls the extension API with its runtime token.
// Environment: PORT, KIKET_WEBHOOK_SECRET, KIKET_BASE_URL (the workbench points it at its sandbox).
import { KiketSDK } from '@kiket-dev/sdk';

const sdk = new KiketSDK({
  extensionId: '{{id}}',
  extensionVersion: '0.1.0',
});

{{handlers}}
sdk.run('127.0.0.1', Number(process.env.PORT ?? 8080));
