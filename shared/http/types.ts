import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

/** The content types a route may take; `multipart` is `multipart/form-data` with text fields only. */
export type BodyType = 'json' | 'form' | 'multipart' | 'text';

/** A REST API proxy event after the body-parsing middleware. */
export interface HttpEvent extends APIGatewayProxyEvent {
  /** The parsed body: an object for JSON and forms, a string for text. */
  parsedBody?: unknown;
  /** Which parser produced `parsedBody`. */
  bodyType?: BodyType;
}

export type HttpResult = APIGatewayProxyResult;

/** A handler after the middleware has parsed, authenticated and normalised the request. */
export type HttpRequestHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;
