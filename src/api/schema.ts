/*
 * GENERATED FILE - DO NOT EDIT.
 *
 * Generated from api/openapi.yaml by openapi-typescript via
 * `node scripts/gen-api-types.mjs` (npm run gen:api). Edit the contract and regenerate;
 * `npm run gen:api:check` fails when this file is stale.
 */

export interface paths {
  '/auth/refresh': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Trade an access token for a short-lived bearer
     * @description No `Authorization` header is needed. Returns a bearer for the access token given in the
     *     body. An unknown, deleted or expired access token gives 403 with field `Forbidden`.
     *     **GUESS**: the path and the body shape; `expires_in` never reaches past the access token's
     *     own `exp`.
     */
    post: operations['refreshBearer'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/tokens/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Describe the access token in use (who-am-i)
     * @description Any role. Describes the access token the bearer was issued from.
     */
    get: operations['whoAmI'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/tokens': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List the project's access tokens (administrators only)
     * @description Requires scope `ml-platform:Manage` (role `ADMIN`); a `USER` token gets 403 whose field
     *     names the missing scope. **GUESS**: no pagination; tokens are ordered by `created_at`,
     *     oldest first; expired tokens are listed until deleted.
     */
    get: operations['listProjectTokens'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/tokens/{name}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Delete an access token (administrators only)
     * @description Requires scope `ml-platform:Manage`. The token stops working at once, including bearers
     *     already issued from it (they then get 403 `Forbidden`). Unknown name → 404 with field
     *     `name`. **GUESS**: an administrator may delete the token it is using; a name that breaks
     *     the name rules is simply unknown (404), not a 400.
     */
    delete: operations['deleteToken'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/register-tokens': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Create a single-use registration token (administrators only)
     * @description Requires scope `ml-platform:Manage`. The registration token is valid for `access_ttl`
     *     from now and, when redeemed, mints an access token named `client_name` of role
     *     `token_type` that lives `refresh_ttl` (omitted or null: never expires). Bad TTL, name or
     *     role → 400 naming the field; a name already used by an access token → 409 (other
     *     registration tokens do not reserve a name). The value is returned only here.
     *     **GUESS**: `refresh_ttl` is counted from redemption, not from creation; `refresh_ttl` is
     *     echoed exactly as sent; unknown body properties are ignored.
     */
    post: operations['createRegisterToken'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/register-tokens/redeem': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Redeem a registration token for a new access token
     * @description No `Authorization` header is needed. Mints the access token the registration token
     *     describes and returns its value (shown once). Unknown, expired or already used
     *     registration token → 403 with field `Forbidden`; the name was taken by an access token
     *     meanwhile → 409 with field `client_name`. **GUESS**: the path and body; a 409 does not use
     *     up the registration token (it can be redeemed once the name is free again); the new
     *     token's `issuer_name` is the name of the access token that created the registration token.
     */
    post: operations['redeemRegisterToken'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    /**
     * @description Role of an access token: `USER` ("User", scope `ml-platform:Use`) or `ADMIN`
     *     ("Administrator", scopes `ml-platform:Use` and `ml-platform:Manage`).
     * @enum {string}
     */
    TokenType: 'USER' | 'ADMIN';
    /**
     * @description Bearer scopes; `ml-platform:Manage` is required by the administrator operations.
     * @enum {string}
     */
    Scope: 'ml-platform:Use' | 'ml-platform:Manage';
    /**
     * @description Access-token name, 1 to 64 characters of `A-Z a-z 0-9 . _ -`, except `.` and `..`, which
     *     would address another path in `/tokens/{name}` (**GUESS**: the rules and case-sensitive
     *     uniqueness).
     * @example alice
     * @example team-ml.admin_2
     */
    TokenName: string;
    /**
     * @description Duration: hours, minutes and seconds parts in that order, at least one, total > 0
     *     (`2h45m30s`, `90m`, `45s`). A total of zero (`0s`, `0h0m`) is rejected. Upper bounds depend
     *     on the field (see `access_ttl`, `refresh_ttl`).
     * @example 2h45m30s
     * @example 90m
     * @example 45s
     */
    Ttl: string;
    /** @description Description of an access token; never contains its value. */
    TokenInfo: {
      /**
       * @description Stable identifier (**GUESS**; the emulator uses a UUID).
       * @example 0b6c2f4e-3a8e-4a43-9a43-2b1f0cde1f11
       */
      id: string;
      name: components['schemas']['TokenName'];
      type: components['schemas']['TokenType'];
      /**
       * @description Who issued the token: the name of the administrator token that created the
       *     registration token it was redeemed from (**GUESS**), or the console user.
       */
      issuer_name: string;
      /**
       * @description When the access token was created (RFC 3339, UTC), or an empty string when it is
       *     not known: the vendor's library does not say it, so the server part's library
       *     backend answers it empty (the platform and the emulator always send the time).
       */
      created_at: string;
      /**
       * Format: date-time
       * @description When the access token expires (RFC 3339, UTC); null = never.
       */
      exp: string | null;
    };
    TokenList: {
      tokens: components['schemas']['TokenInfo'][];
    };
    RefreshRequest: {
      /** @description The access token's value. Missing, empty or not a string → 400 `refresh_token`. */
      refresh_token: string;
    };
    BearerResponse: {
      /** @description The bearer, to be sent as `Authorization: Bearer <access_token>`. */
      access_token: string;
      /** @constant */
      token_type: 'Bearer';
      /**
       * @description Seconds until the bearer expires. **GUESS**: 300 by default, never past the access
       *     token's `exp`.
       */
      expires_in: number;
    };
    CreateRegisterTokenRequest: {
      client_name: components['schemas']['TokenName'];
      /**
       * @description How long the registration token stays redeemable. **GUESS**: at most 30 days
       *     (`720h`); beyond → 400 `access_ttl`.
       */
      access_ttl: components['schemas']['Ttl'];
      /**
       * @description Lifetime of the access token minted on redemption, counted from redemption
       *     (**GUESS**); omitted or null = never expires. **GUESS**: at most 10 years (`87600h`);
       *     beyond → 400 `refresh_ttl`.
       */
      refresh_ttl?: components['schemas']['Ttl'] | null;
      token_type: components['schemas']['TokenType'];
    };
    RegisterToken: {
      /** @description The registration token's value; shown only in this response. */
      register_token: string;
      client_name: components['schemas']['TokenName'];
      token_type: components['schemas']['TokenType'];
      /**
       * Format: date-time
       * @description When the registration token stops being redeemable (RFC 3339, UTC).
       */
      expires_at: string;
      /** @description Lifetime the minted access token will have, as sent; null = never expires. */
      refresh_ttl: components['schemas']['Ttl'] | null;
    };
    RedeemRequest: {
      /** @description The registration token's value. Missing, empty or not a string → 400 `register_token`. */
      register_token: string;
    };
    RedeemResponse: {
      /** @description The new access token's value; shown only in this response. */
      refresh_token: string;
      token: components['schemas']['TokenInfo'];
    };
    /**
     * @description The one error shape of the API. `errorCode` values seen or expected:
     *     `BadRequestException`, `UnauthorizedException`, `ForbiddenException`,
     *     `NotFoundException`, `MethodNotAllowedException`, `ConflictException`,
     *     `TooManyRequestsException`, `InternalServerErrorException`, `BadGatewayException`,
     *     `ServiceUnavailableException`, `GatewayTimeoutException` (only `ForbiddenException` is
     *     documented by the vendor; the others are a **GUESS**). Clients must accept other codes.
     */
    Error: {
      /** @description Same as the HTTP status. */
      status: number;
      /** @example ForbiddenException */
      errorCode: string;
      errorParams: {
        /**
         * @description For 400, 404 and 409 the name of the offending property (**GUESS**). For 403
         *     `Forbidden` (expired, deleted or unknown token) or the missing-scope sentence.
         *     Otherwise the HTTP reason phrase.
         */
        field: string;
        /** @description Optional English explanation (**GUESS**; absent from the vendor's examples). */
        message?: string;
      };
    };
  };
  responses: {
    /** @description The request body is not valid; `errorParams.field` names the offending property (or `body`). */
    BadRequest: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        /**
         * @example {
         *       "status": 400,
         *       "errorCode": "BadRequestException",
         *       "errorParams": {
         *         "field": "access_ttl",
         *         "message": "access_ttl must look like 2h45m30s, 90m or 45s"
         *       }
         *     }
         */
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description Missing, malformed or expired bearer (**GUESS**); get a new bearer and repeat once. */
    Unauthorized: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        /**
         * @example {
         *       "status": 401,
         *       "errorCode": "UnauthorizedException",
         *       "errorParams": {
         *         "field": "Unauthorized"
         *       }
         *     }
         */
        'application/json': components['schemas']['Error'];
      };
    };
    /**
     * @description The access token is expired, deleted or unknown (field `Forbidden`), or it lacks a scope
     *     (field `… does not contain the following scopes: ['ml-platform:Manage']`).
     */
    Forbidden: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description Unknown access token (field `name`) or path (field `path`). */
    NotFound: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        /**
         * @example {
         *       "status": 404,
         *       "errorCode": "NotFoundException",
         *       "errorParams": {
         *         "field": "name",
         *         "message": "No access token named 'alice'"
         *       }
         *     }
         */
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description An access token with this name already exists (field `client_name`). */
    Conflict: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        /**
         * @example {
         *       "status": 409,
         *       "errorCode": "ConflictException",
         *       "errorParams": {
         *         "field": "client_name",
         *         "message": "An access token named 'alice' already exists"
         *       }
         *     }
         */
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description Rate limited; wait as `Retry-After` says (**GUESS**). */
    TooManyRequests: {
      headers: {
        /** @description Seconds to wait (delta-seconds) or an HTTP-date before retrying; may be absent. */
        'Retry-After'?: string;
        [name: string]: unknown;
      };
      content: {
        /**
         * @example {
         *       "status": 429,
         *       "errorCode": "TooManyRequestsException",
         *       "errorParams": {
         *         "field": "Too Many Requests"
         *       }
         *     }
         */
        'application/json': components['schemas']['Error'];
      };
    };
    /**
     * @description Server or gateway failure; may carry `Retry-After`. The body may not be JSON when a proxy
     *     produced it (**GUESS**).
     */
    ServerError: {
      headers: {
        /** @description Seconds to wait (delta-seconds) or an HTTP-date before retrying; may be absent. */
        'Retry-After'?: string;
        [name: string]: unknown;
      };
      content: {
        /**
         * @example {
         *       "status": 503,
         *       "errorCode": "ServiceUnavailableException",
         *       "errorParams": {
         *         "field": "Service Unavailable"
         *       }
         *     }
         */
        'application/json': components['schemas']['Error'];
      };
    };
  };
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  refreshBearer: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RefreshRequest'];
      };
    };
    responses: {
      /** @description A new bearer. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['BearerResponse'];
        };
      };
      400: components['responses']['BadRequest'];
      403: components['responses']['Forbidden'];
      429: components['responses']['TooManyRequests'];
      '5XX': components['responses']['ServerError'];
    };
  };
  whoAmI: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The access token in use. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TokenInfo'];
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      429: components['responses']['TooManyRequests'];
      '5XX': components['responses']['ServerError'];
    };
  };
  listProjectTokens: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description All access tokens of the project. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TokenList'];
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      429: components['responses']['TooManyRequests'];
      '5XX': components['responses']['ServerError'];
    };
  };
  deleteToken: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The access token's name (percent-encoded in the path). */
        name: components['schemas']['TokenName'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Deleted. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      429: components['responses']['TooManyRequests'];
      '5XX': components['responses']['ServerError'];
    };
  };
  createRegisterToken: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateRegisterTokenRequest'];
      };
    };
    responses: {
      /** @description The new registration token (shown once). */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RegisterToken'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      409: components['responses']['Conflict'];
      429: components['responses']['TooManyRequests'];
      '5XX': components['responses']['ServerError'];
    };
  };
  redeemRegisterToken: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RedeemRequest'];
      };
    };
    responses: {
      /** @description The new access token (value shown once) and its description. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RedeemResponse'];
        };
      };
      400: components['responses']['BadRequest'];
      403: components['responses']['Forbidden'];
      409: components['responses']['Conflict'];
      429: components['responses']['TooManyRequests'];
      '5XX': components['responses']['ServerError'];
    };
  };
}
