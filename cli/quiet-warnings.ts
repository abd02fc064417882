// The AWS SDK warns on every start that its releases after January 2027 need Node 22
// (docs/sources.md#node-20-support-warnings). Known and tracked; keep the CLI's output readable.
// Imported first by cli/main.ts. The SDK's own switch, so other warnings still print.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
export {};
