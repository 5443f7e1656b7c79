"""The build room: the orchestrator (pipeline.build), its options, the no-change stamp and the
output writer.

Kept free of imports so that `generator.build.options` loads without the renderers.
"""
