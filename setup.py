"""The package list: introstudio* plus resources/ shipped inside it as `introstudio.resources`.

resources/ (templates, brand kit, sample project) stays at the top of the repository and is found at run time
with importlib.resources, so a wheel install has it too. pyproject.toml cannot map a package that lives outside
the package's folder next to a `find` of the others, hence these lines.
"""

from setuptools import find_namespace_packages, find_packages, setup

data = [f"introstudio.resources.{sub}" for sub in find_namespace_packages(where="resources", exclude=["__pycache__*"])]
setup(
    packages=[*find_packages(include=["introstudio", "introstudio.*"]), "introstudio.resources", *data],
    package_dir={"introstudio.resources": "resources"},
    package_data={name: ["*"] for name in data},
)
