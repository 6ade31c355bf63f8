/** HTTP envelopes: API Gateway, function URLs, ALB; CloudEvents over HTTP and signed webhooks inside them. */
import { alb } from './aws/alb.js';
import { apiGatewayV1 } from './aws/apigateway-v1.js';
import { apiGatewayV2 } from './aws/apigateway-v2.js';
import { lambdaUrl } from './aws/lambda-url.js';
import type { Source } from './types.js';

/** The shapes do not overlap (each test excludes the others), so the order is only the likeliest first. */
export const HTTP_SOURCES: readonly Source[] = [apiGatewayV2, lambdaUrl, apiGatewayV1, alb];
