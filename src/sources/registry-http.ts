/** HTTP envelopes: API Gateway, function URLs, ALB; CloudEvents over HTTP and signed webhooks inside them. */
import { apiGatewayV2 } from './aws/apigateway-v2.js';
import type { Source } from './types.js';

export const HTTP_SOURCES: readonly Source[] = [apiGatewayV2];
