// Twilio's JSON error body: { code, message, more_info, status }, as the demo API and the test
// simulator answer them.

export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

export function errorBody(status: number, code: number, message: string): TwilioErrorBody {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

export const errors = {
  invalidParameter: (message: string) => errorBody(400, 20001, message),
  unauthorized: () => errorBody(401, 20003, 'Authenticate'),
  forbidden: () =>
    errorBody(
      403,
      20403,
      'Forbidden: this account has no access to Flex Insights (the user needs an Insights role)',
    ),
  notFound: (path: string) => errorBody(404, 20404, `The requested resource ${path} was not found`),
  methodNotAllowed: (method: string) => errorBody(405, 20004, `Method not allowed: ${method}`),
  tooManyRequests: () => errorBody(429, 20429, 'Too Many Requests'),
  server: (status: number) =>
    status === 503
      ? errorBody(503, 20503, 'Service unavailable')
      : errorBody(status, 20500, 'An internal server error has occurred'),
};
