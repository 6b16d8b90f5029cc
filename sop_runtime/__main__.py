from sop_runtime.cli.app import main

main()
