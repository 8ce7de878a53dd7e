# Minimal settings so that the validate/classify commands run in this branch.
# The real settings.py (written on another branch) supersedes this file on merge;
# it must keep COMMANDS_MODULE, MOT_LICENSES and MOF_SCHEMA.
BOT_NAME = "motcrawl"
SPIDER_MODULES = ["motcrawl.spiders"]
NEWSPIDER_MODULE = "motcrawl.spiders"
COMMANDS_MODULE = "motcrawl.commands"
MOT_LICENSES = None
MOF_SCHEMA = None
