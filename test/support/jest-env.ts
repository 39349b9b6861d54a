// The development machines run Node 20; the Lambdas run Node 22, which the SDK's Node-version notice is about.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
