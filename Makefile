.PHONY: demo test setup lint clean

# Set everything up and run JupyterLab with the extension against the local
# ML Platform emulator. Ctrl-C stops everything.
demo:
	@scripts/demo.sh

# Install what is missing, then run the whole test suite.
test:
	@scripts/test.sh

setup:
	@scripts/setup.sh

lint:
	@PATH="$(CURDIR)/.venv/bin:$$PATH" npm run lint && .venv/bin/ruff check --fix . && .venv/bin/ruff format .

clean:
	rm -rf lib dist coverage .run jupyterlab_mlplatform_tokens/labextension jupyterlab_mlplatform_tokens/locale jupyterlab_mlplatform_tokens/_version.py tsconfig.tsbuildinfo
