"""MOT's framework: the 17 components, the schema, the evaluator, license facts, the catalog."""
