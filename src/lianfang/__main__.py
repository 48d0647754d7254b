from lianfang.cli.app import main

main()
