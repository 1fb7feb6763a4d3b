import { STATUS_CODES } from 'node:http';

/** Body of every error response: `{status, errorCode, errorParams: {field}}`. */
export interface IErrorBody {
  status: number;
  errorCode: string;
  errorParams: { field: string; message?: string };
}

const ERROR_CODES: Record<number, string> = {
  400: 'BadRequestException',
  401: 'UnauthorizedException',
  403: 'ForbiddenException',
  404: 'NotFoundException',
  405: 'MethodNotAllowedException',
  409: 'ConflictException',
  413: 'PayloadTooLargeException',
  429: 'TooManyRequestsException',
  500: 'InternalServerErrorException',
  502: 'BadGatewayException',
  503: 'ServiceUnavailableException',
  504: 'GatewayTimeoutException'
};

/** The HTTP reason phrase, used as `field` when no property is to blame. */
export function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

export function errorCodeFor(status: number): string {
  return ERROR_CODES[status] ?? 'HttpException';
}

export function errorBody(
  status: number,
  field?: string,
  message?: string
): IErrorBody {
  const errorParams: IErrorBody['errorParams'] = {
    field: field ?? reasonPhrase(status)
  };
  if (message !== undefined) {
    errorParams.message = message;
  }
  return { status, errorCode: errorCodeFor(status), errorParams };
}

/** An error that becomes an API error response. Messages never contain secret values. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly field?: string,
    readonly detail?: string,
    readonly headers: Record<string, string> = {}
  ) {
    super(detail ?? `${status} ${field ?? reasonPhrase(status)}`);
    this.name = 'ApiError';
  }

  body(): IErrorBody {
    return errorBody(this.status, this.field, this.detail);
  }
}

/** 400 naming the offending request property. */
export function badRequest(field: string, message: string): ApiError {
  return new ApiError(400, field, message);
}

/** 401: missing, malformed or expired bearer. */
export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized');
}

/** 403 `Forbidden`: unknown, deleted or expired access or registration token. */
export function forbidden(): ApiError {
  return new ApiError(403, 'Forbidden');
}
