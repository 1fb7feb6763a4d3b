/**
 * Additions to the JupyterLab builder's production configuration
 * (package.json `jupyterlab.webpackConfig`).
 *
 * The builder bundles style/*.css into the JS as written, comments and
 * indentation included; minifying it first (rspack's built-in Lightning CSS
 * loader, which runs before the builder's css-loader) keeps the static JS
 * within its size budget (DESIGN.md §6) without making the sources terse.
 */
module.exports = {
  module: {
    rules: [
      {
        test: /\.css$/,
        use: [
          {
            loader: 'builtin:lightningcss-loader',
            options: { minify: true }
          }
        ]
      }
    ]
  }
};
